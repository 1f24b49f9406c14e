"""Full-text search over record and article text.

On PostgreSQL a search is `to_tsvector(config, fields) @@ websearch_to_tsquery(config, words)`, answered
from a GIN index on the very same expression (`SearchIndex`, created by the apps' migrations). The
`english` configuration stems English words ("hostages" finds "hostage") and leaves other scripts as
they are, so Arabic and Hebrew words match whole. The query takes web-search syntax: `"exact phrase"`,
`or`, and `-word` to exclude.

SQLite has no text search: there every word must appear somewhere in the fields, as a substring and
case-insensitively (for ASCII letters); quotes and `or` are ignored, and `-word` still excludes.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connections
from django.db.models import Q, QuerySet

from .migration_operations import AddIndexOnPostgres

CONFIG = "english"
MAX_QUERY_LENGTH = 200


def vector(*fields: str) -> SearchVector:
    """The indexed expression: one tsvector over the fields, in the index's configuration."""
    return SearchVector(*fields, config=CONFIG)


def condition(fields: tuple[str, ...], query: str, using: str = "default") -> Q:
    """The condition that the fields match a web-search query (see the module's docstring), for a
    queryset on the database `using`; an empty query matches everything."""
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:  # cut at the last whole word
        query = query[: MAX_QUERY_LENGTH + 1].rsplit(maxsplit=1)[0]
    if not query:
        return Q()
    if connections[using].vendor == "postgresql":
        return Q(SearchVectorExact(vector(*fields), SearchQuery(query, config=CONFIG, search_type="websearch")))
    return substring_match(fields, query)


def matches(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """The rows of a queryset whose fields match a web-search query."""
    return queryset.filter(condition(fields, query, queryset.db))


def substring_match(fields: tuple[str, ...], query: str) -> Q:
    """The fallback: every word in one of the fields, no `-word` in any of them."""
    condition = Q()
    for word in re.findall(r'-?[^\s"]+', query):
        excluded = word.startswith("-") and len(word) > 1
        word = word[1:] if excluded else word
        if word.lower() == "or":
            continue
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": word})
        condition &= ~anywhere if excluded else anywhere
    return condition


class CreateSearchIndex(AddIndexOnPostgres):
    """A GIN index on `vector(*fields)` of one model, on PostgreSQL only (other databases skip it).

    The name must be unique in the database. `tests/tracker/test_search.py` checks that searches use it.
    """

    def __init__(self, model_name: str, name: str, fields: list[str]):
        self.name, self.fields = name, fields
        super().__init__(model_name, GinIndex(vector(*fields), name=name))

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "name": self.name, "fields": self.fields}
        return self.__class__.__qualname__, [], kwargs

    def describe(self):
        return f"Create full-text index {self.name} on {self.model_name} ({', '.join(self.fields)}), PostgreSQL only"
