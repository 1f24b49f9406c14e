"""Many rows in one statement without the ORM's per-row, per-value Python: one UPDATE for rows with different
values (no CASE WHEN per field and row), one INSERT from arrays, and arrays passed as one parameter each."""

from django.db import connections, router
from django.db.models import CharField, Field, Model


def _cast_type(field: Field, connection) -> str:
    """The type to cast a value to for `field`: varchar without a length for text fields, so a value too
    long for its column is refused, as in any INSERT or UPDATE, rather than silently cut short."""
    if isinstance(field, CharField):
        return connection.ops.cast_char_field_without_max_length
    return field.db_type(connection)


def array_param(values) -> str | list:
    """Values as one PostgreSQL array parameter. A list of ints (None for NULL) goes as the array's text
    literal, ``'{1,2,NULL}'``: psycopg2 adapts a list element by element in Python (~2.7 µs an element, so
    ~5 ms for the 1,920 values of a processing batch's band keys), and one join is ten times cheaper. The
    literal is typed by the statement (``%s::bigint[]``, or ``column = ANY(%s)``). Any other list (strings,
    bools, int subclasses such as enums) goes as the list, for psycopg2 to adapt and quote."""
    values = list(values)
    if all(type(value) is int or value is None for value in values):  # type(), not isinstance(): bool is an int
        return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"
    return values


def bulk_update(objects: list[Model], fields: list[str]) -> int:
    """Write `fields` of every object; returns the number of rows updated.

    On PostgreSQL, one ``UPDATE ... FROM (VALUES ...)`` built as text: Django's ``bulk_update``
    builds a ``CASE WHEN`` expression per field and row through the ORM, which costs ~40 ms of
    Python for 20 rows of 17 fields (bench/README.md), more than the database takes to write
    them. Elsewhere (SQLite) Django's own ``bulk_update``. No signals and no history, as with
    any queryset update.
    """
    if not objects:
        return 0
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_update(objects, fields)
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    # VALUES columns are typed from their first row, so each one is cast to its column's type.
    assignments = ", ".join(
        f"{quote(field.column)} = v.column{place}::{_cast_type(field, connection)}"
        for place, field in enumerate(columns, start=2)
    )
    rows = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(objects))
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v WHERE {table}.{pk} = v.column1"  # noqa: S608
    params = []
    for obj in objects:
        params.append(obj.pk)
        params += [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def bulk_insert(model: type[Model], fields: list[str], rows: list[tuple]) -> None:
    """Insert rows given as tuples of `fields` values, without building a model instance per row.

    On PostgreSQL, one ``INSERT ... SELECT * FROM unnest(...)`` with an array per column (as
    Django's own bulk_create sends; see `array_param`), from plain values: for the 640 band keys
    of a batch of articles, building the instances cost more than the insert. Elsewhere Django's
    ``bulk_create``. Values must already be what the column stores (no field conversions run).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        names = [field.attname for field in columns]
        model._base_manager.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    arrays = ", ".join(f"%s::{_cast_type(field, connection)}[]" for field in columns)
    names = ", ".join(quote(field.column) for field in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [array_param(values) for values in zip(*rows, strict=True)])
