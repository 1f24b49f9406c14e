"""The articles' stored search vector and its GIN index (PostgreSQL only; see tracker/search.py).

Non-atomic: the column is filled in batches while writes go on (bench/README.md gives the time at
200k articles). The field list must stay equal to ARTICLE_TEXT in review/filters.py.
"""

from django.db import migrations

from tracker.search import AddSearchVector


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("news", "0012_dedupe_sketch_and_covering_band_index")]

    operations = [
        AddSearchVector(
            "article", "news_article_search_vector", ["title", "publisher", "text"], replaces="news_article_search"
        )
    ]
