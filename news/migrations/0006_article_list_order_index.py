"""The article list's default order, `published_at DESC NULLS LAST, id`, served by an index (PostgreSQL
only: SQLite cannot declare NULLS LAST in an index, and sorts NULLs last in descending order anyway)."""

from django.db import migrations, models

from tracker.migration_operations import AddIndexOnPostgres


class Migration(migrations.Migration):
    dependencies = [("news", "0005_article_search_index")]

    operations = [
        AddIndexOnPostgres(
            "article",
            models.Index(
                models.F("published_at").desc(nulls_last=True), models.F("id").asc(), name="news_article_list_idx"
            ),
        )
    ]
