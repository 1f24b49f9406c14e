"""GIN indexes for full-text search (PostgreSQL only; see tracker/search.py).

The field lists must stay equal to those in negotiations/api/filters.py: tests/tracker/test_search.py
checks that every search uses its index.
"""

from django.db import migrations

from tracker.search import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0003_meeting_time_help")]

    operations = [
        CreateSearchIndex("meeting", "neg_meeting_search", ["title", "location", "summary", "outcome"]),
        CreateSearchIndex("proposal", "neg_proposal_search", ["title", "version_label", "summary"]),
        CreateSearchIndex("term", "neg_term_search", ["text"]),
        CreateSearchIndex("stickingpoint", "neg_sticking_point_search", ["title", "description"]),
        CreateSearchIndex("position", "neg_position_search", ["summary"]),
        CreateSearchIndex("response", "neg_response_search", ["summary"]),
        CreateSearchIndex("citation", "neg_citation_search", ["publisher", "title", "quote"]),
    ]
