"""Stored search vectors with their GIN indexes (PostgreSQL only; see tracker/search.py), in place of
0004's expression indexes. Non-atomic: each table is filled in batches while writes go on. The field
lists must stay equal to those in negotiations/api/filters.py.
"""

from django.db import migrations

from tracker.search import AddSearchVector


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("negotiations", "0011_dashboard_day_indexes")]

    operations = [
        AddSearchVector(
            "meeting",
            "neg_meeting_search_vector",
            ["title", "location", "summary", "outcome"],
            replaces="neg_meeting_search",
        ),
        AddSearchVector(
            "proposal", "neg_proposal_search_vector", ["title", "version_label", "summary"], replaces="neg_proposal_search"
        ),
        AddSearchVector("term", "neg_term_search_vector", ["text"], replaces="neg_term_search"),
        AddSearchVector(
            "stickingpoint",
            "neg_sticking_point_search_vector",
            ["title", "description"],
            replaces="neg_sticking_point_search",
        ),
        AddSearchVector("position", "neg_position_search_vector", ["summary"], replaces="neg_position_search"),
        AddSearchVector("response", "neg_response_search_vector", ["summary"], replaces="neg_response_search"),
        AddSearchVector(
            "citation", "neg_citation_search_vector", ["publisher", "title", "quote"], replaces="neg_citation_search"
        ),
    ]
