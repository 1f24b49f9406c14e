"""Moving Suggestion from news to review (news 0010, review 0001) is a change of state only: every row, its
table and its content type stay as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("news", "0009_article_sweep_bookkeeping"), ("review", None)]
AFTER = [("news", "0010_suggestion_moves_to_review"), ("review", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_suggestion_stored_under_news_survives_the_move_to_review():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        content_type = old.get_model("contenttypes", "ContentType")
        suggestion_type = content_type.objects.get_or_create(app_label="news", model="suggestion")[0]
        meeting_type = content_type.objects.get_or_create(app_label="negotiations", model="meeting")[0]
        article = old.get_model("news", "Article").objects.create(
            url="https://example.org/a", canonical_url="https://example.org/a", title="Doha talks"
        )
        stored = old.get_model("news", "Suggestion").objects.create(
            article_id=article.pk, content_type_id=meeting_type.pk, object_id=7, score=0.81, reasons=["2 of 2 named"]
        )

        new = migrate(AFTER)
        moved = new.get_model("review", "Suggestion").objects.get()
        assert (moved.pk, moved.article_id, moved.content_type_id, moved.object_id, moved.score, moved.reasons) == (
            stored.pk,
            article.pk,
            meeting_type.pk,
            7,
            0.81,
            ["2 of 2 named"],
        )
        assert new.get_model("review", "Suggestion")._meta.db_table == "news_suggestion"
        # The content type (and with it the permissions the roles hold) follows the model.
        moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=suggestion_type.pk)
        assert (moved_type.app_label, moved_type.model) == ("review", "suggestion")
    finally:
        migrate(leaves)
