"""`field__any_of=values`: membership in a list of values that are already what the column stores.

Django's `__in` prepares each value through the field (and, across a relation, first checks whether
each is a model instance): with the ~150 actor ids of a processing batch's suggestion queries that
cost ~0.5 ms of Python per lookup, and a query carries several. `any_of` passes the values as they
are and writes `column = ANY(%s)` on PostgreSQL: one array parameter (for ints, the array's text literal:
see tracker.bulk.array_param). Elsewhere (SQLite) `column IN (%s, ...)`. An empty list matches
nothing, as `__in` does. Unlike `__in` it takes no model instances, None or querysets: plain values
(ints from our own queries), checked to be ints or strings.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup

from .bulk import array_param


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = list(self.rhs)
        if any(not isinstance(value, int | str) or isinstance(value, bool) for value in values):
            raise TypeError(f"any_of takes plain ints or strings, not {values!r:.80}")
        return values

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, array_param(self.rhs))
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


# Relations keep lookups of their own (they do not inherit Field's): both are registered.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
