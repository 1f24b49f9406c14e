"""Full-text search over record and article text.

On PostgreSQL each searchable table has a stored `search_vector` column: `to_tsvector(config, fields)`,
kept by a trigger on insert and on a change of the fields, with its own GIN index
(`AddSearchVector`, run by the apps' migrations; the column is outside the Django models, so SQLite
has none). A search is `search_vector @@ websearch_to_tsquery(config, words)`. The `english`
configuration stems English words ("hostages" finds "hostage") and leaves other scripts as they are,
so Arabic and Hebrew words match whole. The query takes web-search syntax: `"exact phrase"`, `or`,
and `-word` to exclude.

Matches are ranked (`ts_rank` over the stored vector, `RANK` annotation). A page-numbered list of a
search reaches the first `CAP` matches in the list's order (by default the most recent), best first:
ranking every match of a common word would cost time in proportion to the table (`FirstMatches`).

SQLite has no text search: there every word must appear somewhere in the fields, as a substring and
case-insensitively (for ASCII letters); quotes and `or` are ignored, `-word` still excludes, and
every match ranks the same.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connections
from django.db.migrations.operations.base import Operation
from django.db.models import Expression, F, FloatField, Q, QuerySet, Value

from .migration_operations import AddIndexOnPostgres

CONFIG = "english"
MAX_QUERY_LENGTH = 200
COLUMN = "search_vector"
RANK = "search_rank"
CAP = 1000  # rows a page-numbered search reaches; its count stops there


class StoredVector(Expression):
    """The table's `search_vector` column (PostgreSQL only), under the alias the query gives the table."""

    output_field = SearchVectorField()

    def __init__(self, key=None):
        super().__init__()
        self.key = F("pk") if key is None else key

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.key.alias)
        return f"{alias}.{connection.ops.quote_name(COLUMN)}", []


def _cut(query: str) -> str:
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:  # cut at the last whole word
        query = query[: MAX_QUERY_LENGTH + 1].rsplit(maxsplit=1)[0]
    return query


def _tsquery(query: str) -> SearchQuery:
    return SearchQuery(query, config=CONFIG, search_type="websearch")


def condition(fields: tuple[str, ...], query: str, using: str = "default") -> Q:
    """The condition that the fields match a web-search query (see the module's docstring), for a
    queryset on the database `using`; an empty query matches everything. On PostgreSQL the fields are
    those of the table's stored vector (its migration names them)."""
    query = _cut(query)
    if not query:
        return Q()
    if connections[using].vendor == "postgresql":
        return Q(SearchVectorExact(StoredVector(), _tsquery(query)))
    return substring_match(fields, query)


def matches(queryset: QuerySet, fields: tuple[str, ...], query: str, *, related: Q | None = None) -> QuerySet:
    """The rows of a queryset whose fields match a web-search query (or that meet `related`: a match
    in rows shown inside them), annotated with their rank (`RANK`); all rows for an empty query."""
    query = _cut(query)
    if not query:
        return queryset
    found = condition(fields, query, queryset.db)
    if related is not None:
        found |= related
    if connections[queryset.db].vendor == "postgresql":
        rank = SearchRank(StoredVector(), _tsquery(query))
    else:
        rank = Value(0.0, output_field=FloatField())
    return queryset.filter(found).annotate(**{RANK: rank})


def is_search(queryset: QuerySet) -> bool:
    return RANK in queryset.query.annotations


class FirstMatches:
    """A search (from `matches`, ordered) as a paginator's object list: its first `CAP` rows in the
    queryset's order, then, `by_rank`, best first (a stable sort: ties keep that order). One query
    finds their ids and ranks; each page then reads its own rows. The count is at most `CAP`, which
    means "or more"."""

    def __init__(self, queryset: QuerySet, *, by_rank: bool):
        rows = list(queryset.prefetch_related(None).values_list("pk", RANK)[:CAP])
        if by_rank:
            rows.sort(key=lambda row: -row[1])
        self.ids = [pk for pk, _ in rows]
        self.queryset = queryset

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list:
        ids = self.ids[window]
        found = {row.pk: row for row in self.queryset.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids]


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


def vector(*fields: str) -> SearchVector:
    """The expression of the first, unstored indexes (CreateSearchIndex, kept for old migrations)."""
    return SearchVector(*fields, config=CONFIG)


class CreateSearchIndex(AddIndexOnPostgres):
    """A GIN index on `vector(*fields)` of one model, on PostgreSQL only; AddSearchVector replaces it."""

    def __init__(self, model_name: str, name: str, fields: list[str]):
        self.name, self.fields = name, fields
        super().__init__(model_name, GinIndex(vector(*fields), name=name))

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "name": self.name, "fields": self.fields}
        return self.__class__.__qualname__, [], kwargs

    def describe(self):
        return f"Create full-text index {self.name} on {self.model_name} ({', '.join(self.fields)}), PostgreSQL only"


class AddSearchVector(Operation):
    """The stored `search_vector` of one model's table, on PostgreSQL only (other databases skip it),
    without holding a lock on the table for longer than a statement that changes no row:

    1. the column is added, empty (no rewrite);
    2. a trigger fills it on insert and whenever one of the fields changes;
    3. the existing rows are filled in batches of `BATCH` ids, each its own transaction;
    4. its GIN index `name` is built with CREATE INDEX CONCURRENTLY; then the expression index
       `replaces` (CreateSearchIndex's) is dropped, concurrently too.

    Writes go on meanwhile. The migration holding it must be non-atomic (`atomic = False`).
    Reversing drops the column and its trigger and builds the expression index again.
    """

    reversible = True
    BATCH = 1000

    def __init__(self, model_name: str, name: str, fields: list[str], replaces: str):
        self.model_name, self.name, self.fields, self.replaces = model_name, name, fields, replaces

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "name": self.name, "fields": self.fields, "replaces": self.replaces}
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def _sql_names(self, model, schema_editor) -> tuple[str, str, str]:
        quote = schema_editor.quote_name
        table = model._meta.db_table
        return quote(table), quote(f"{table}_search_vector"), quote(COLUMN)

    def _expression(self, row: str, schema_editor) -> str:
        """to_tsvector over the fields, as SearchVector(*fields) writes it (so `vector` and the column agree)."""
        quote = schema_editor.quote_name
        text = " || ' ' || ".join(f"coalesce({row}{quote(field)}::text, '')" for field in self.fields)
        return f"to_tsvector('{CONFIG}'::regconfig, {text})"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        if schema_editor.connection.in_atomic_block:
            raise RuntimeError("AddSearchVector fills the column in batches: its migration needs atomic = False.")
        model = to_state.apps.get_model(app_label, self.model_name)
        table, function, column = self._sql_names(model, schema_editor)
        quote = schema_editor.quote_name
        changed = " OR ".join(f"NEW.{quote(f)} IS DISTINCT FROM OLD.{quote(f)}" for f in self.fields)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} tsvector")
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' OR {changed} THEN NEW.{column} := {self._expression('NEW.', schema_editor)}; "
            "END IF; RETURN NEW; END $$"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        fields = ", ".join(quote(field) for field in self.fields)
        schema_editor.execute(
            f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {fields} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        self.fill(schema_editor, model)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(self.name)} ON {table} USING gin ({column})"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(self.replaces)}")

    def fill(self, schema_editor, model) -> None:
        """Step 3: the rows whose vector is empty get it, `BATCH` ids at a time (each statement commits
        on its own when the migration is non-atomic)."""
        table, _, column = self._sql_names(model, schema_editor)
        key = schema_editor.quote_name(model._meta.pk.column)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT min({key}), max({key}) FROM {table}")  # noqa: S608 (quoted names)
            low, high = cursor.fetchone()
            while low is not None and low <= high:
                fill = f"UPDATE {table} SET {column} = {self._expression('', schema_editor)}"  # noqa: S608 (quoted)
                batch = f"WHERE {key} >= %s AND {key} < %s AND {column} IS NULL"
                cursor.execute(f"{fill} {batch}", [low, low + self.BATCH])
                low += self.BATCH

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table, function, column = self._sql_names(model, schema_editor)
        schema_editor.add_index(model, GinIndex(vector(*self.fields), name=self.replaces))
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")

    def describe(self):
        return f"Add the stored search vector of {self.model_name} ({', '.join(self.fields)}), PostgreSQL only"
