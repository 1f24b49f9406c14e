"""A GIN index for full-text search over articles (PostgreSQL only; see tracker/search.py).

The field list must stay equal to ARTICLE_TEXT in news/api/filters.py: tests/tracker/test_search.py
checks that a search uses the index.
"""

from django.db import migrations

from tracker.search import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [("news", "0004_beat_schedule")]

    operations = [CreateSearchIndex("article", "news_article_search", ["title", "publisher", "text"])]
