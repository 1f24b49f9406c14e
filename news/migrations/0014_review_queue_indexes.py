"""Indexes of the review workspace (review/selectors.py), measured on the API benchmark's dataset:

- news_article_queue_idx replaces news_article_pending_idx: the queue's whole order, `relevance DESC,
  published_at DESC NULLS LAST, id DESC`, over pending articles. The old index left out `id` and sorted
  undated articles first, so a page and the article view's next/previous sorted every run of equal
  relevance, and "next" from deep in the queue read the index from its start (0.5 s). PostgreSQL only, as
  news_article_list_idx: SQLite cannot declare NULLS LAST in an index.
- news_article_queue_counts_idx: pending articles by feed and language, counted from the index alone.
- news_article_verdicts_idx: an editor's last verdict (the one `u` undoes), found without sorting all of
  their verdicts.
"""

from django.conf import settings
from django.db import migrations, models

from tracker.migration_operations import AddIndexOnPostgres


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0013_article_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="news_article_pending_idx"),
        AddIndexOnPostgres(
            "article",
            models.Index(
                models.F("relevance").desc(),
                models.F("published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="news_article_queue_idx",
                condition=models.Q(review_state="pending"),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(review_state="pending"),
                fields=["feed", "language"],
                name="news_article_queue_counts_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=~models.Q(review_state="pending"),
                fields=["reviewer", "-reviewed_at", "-id"],
                name="news_article_verdicts_idx",
            ),
        ),
    ]
