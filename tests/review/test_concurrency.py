"""Two editors acting on one article at once, in real concurrent transactions (PostgreSQL row locks): one verdict
lands, the other is refused with who decided what and when (a 409 over the API), never written over the first."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from rest_framework import status

from negotiations.models import Citation
from news.models import Article, Tombstone
from review import services
from tests import factories as f
from tests.api.conftest import send

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between real transactions: PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for_a_lock_wait() -> None:
    """Until another connection waits on a row lock (the second editor's UPDATE, behind the first one's)."""
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    pytest.fail("the second editor never waited for the first")


def hold_an_accept(article_id: int, suggestion_id: int, reviewer, claimed: threading.Event, release: threading.Event):
    """The first editor: accepts in a transaction kept open (its row lock held) until `release`."""
    try:
        with transaction.atomic():
            article = Article.objects.get(pk=article_id)
            services.article_accept(article=article, reviewer=reviewer, suggestion_ids=[suggestion_id])
            claimed.set()
            assert release.wait(10)
    finally:
        connections.close_all()


def race(article, suggestion, editor, second_editor) -> None:
    """The editor's accept claims the article and holds its transaction open; `second_editor` acts meanwhile and
    waits on the row lock; then the accept commits."""
    claimed, release = threading.Event(), threading.Event()
    first = threading.Thread(target=hold_an_accept, args=(article.pk, suggestion.pk, editor, claimed, release))
    second = threading.Thread(target=second_editor)
    first.start()
    assert claimed.wait(10)
    second.start()
    wait_for_a_lock_wait()
    release.set()
    first.join(10)
    second.join(10)


def test_two_editors_at_once_one_verdict_lands_and_the_other_is_told(role_users):
    article = f.ArticleFactory()
    suggestion = f.SuggestionFactory(article=article)
    refused: list[str] = []

    def reject() -> None:
        try:
            loaded = Article.objects.get(pk=article.pk)  # read while the first verdict is not committed: pending
            assert loaded.review_state == "pending"
            services.article_reject(article=loaded, reviewer=role_users["administrator"], reason="Noise.")
        except services.ReviewConflict as error:
            refused.append(str(error))
        finally:
            connections.close_all()

    race(article, suggestion, role_users["editor"], reject)

    article.refresh_from_db()
    assert (article.review_state, article.reviewer, article.review_note) == ("accepted", role_users["editor"], "")
    assert len(refused) == 1
    assert refused[0].startswith(f"Article {article.pk} was already accepted by editor-user at ")
    assert Citation.objects.count() == 1 and not Tombstone.objects.exists()


def test_over_the_api_the_second_editor_gets_a_409_naming_the_first(role_users):
    article = f.ArticleFactory()
    suggestion = f.SuggestionFactory(article=article)
    answers = []

    def reject_over_the_api() -> None:
        client = Client()
        client.force_login(role_users["administrator"])
        try:
            answers.append(send(client, "post", reverse("api:article-reject", args=[article.pk]), {"reason": "No."}))
        finally:
            connections.close_all()

    race(article, suggestion, role_users["editor"], reject_over_the_api)

    (answer,) = answers
    assert answer.status_code == status.HTTP_409_CONFLICT
    detail = answer.json()["detail"]
    assert detail.startswith(f"Article {article.pk} was already accepted by editor-user at ")
    assert detail.endswith("; nothing was changed.")
    article.refresh_from_db()
    assert (article.review_state, article.reviewer) == ("accepted", role_users["editor"])
    assert not Tombstone.objects.exists()
