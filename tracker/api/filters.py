"""Filtering and ordering shared by every resource.

Ordering: `?ordering=field,-other` over the fields each view lists; an unknown field is a 400
(not silently ignored), empty values sort last, and the id always breaks ties so pages never overlap.
Filters that name a record (`actor`, `track`…) take its id or its slug.
"""

import django_filters
from django.db.models import F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            raise ValidationError(
                {"ordering": [f"Cannot order by {', '.join(unknown)}; choose from {', '.join(sorted(valid))}."]}
            )
        return [term for term in fields if term]

    def get_schema_operation_parameters(self, view):
        fields = ", ".join(getattr(view, "ordering_fields", ()))
        default = ",".join(getattr(view, "ordering", ()))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Comma-separated fields, `-` for descending: {fields}. Default: {default}.",
                "schema": {"type": "string"},
            }
        ]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if not {term.lstrip("-") for term in ordering} & {"id", "pk"}:
            ordering = [*ordering, "id"]
        # Empty values last in both directions, whatever the database's default.
        return queryset.order_by(
            *(
                F(term[1:]).desc(nulls_last=True) if term.startswith("-") else F(term).asc(nulls_last=True)
                for term in ordering
            )
        )


MAX_ID = 2**63 - 1  # the largest big-integer key; a longer number can only be a slug


def id_or_slug(path: str, value: str) -> Q:
    """Rows whose `path` relation is the record with this id or this slug."""
    by_slug = Q(**{f"{path}__slug": value})
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return Q(**{f"{path}_id": int(value)}) | by_slug
    return by_slug


class IdOrSlugFilter(django_filters.CharFilter):
    """A record a foreign key points to, by id or slug: `?track=gaza-ceasefire` or `?track=3`."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(id_or_slug(self.field_name, value.strip()))
