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
from django.db.migrations.operations.base import Operation
from django.db.models import Q, QuerySet

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


class CreateSearchIndex(Operation):
    """A GIN index on `vector(*fields)` of one model, on PostgreSQL only (other databases skip it).

    It lives outside the model state (no `Meta.indexes` entry) because SQLite cannot build it; the
    name must be unique in the database. `tests/tracker/test_search.py` checks that searches use it.
    """

    reversible = True

    def __init__(self, model_name: str, name: str, fields: list[str]):
        self.model_name, self.name, self.fields = model_name, name, fields

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "name": self.name, "fields": self.fields},
        )

    def state_forwards(self, app_label, state):
        pass

    def _index(self):
        return GinIndex(vector(*self.fields), name=self.name)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self._index())

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self._index())

    def describe(self):
        return f"Create full-text index {self.name} on {self.model_name} ({', '.join(self.fields)}), PostgreSQL only"
