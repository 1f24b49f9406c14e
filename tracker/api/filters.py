"""Filtering and ordering shared by every resource.

Ordering: `?ordering=field,-other` over the fields each view lists; an unknown field is a 400
(not silently ignored), empty values sort last, and the id always breaks ties so pages never overlap.
Filters that name a record (`actor`, `track`…) take its id or its slug.
"""

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Model, Q
from django.db.models.expressions import OrderBy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings


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
        return queryset.order_by(*(order_term(queryset.model, term) for term in ordering))


def order_term(model: type[Model], term: str) -> OrderBy | str:
    """Empty values last in both directions, whatever the database's default; a column that cannot be
    empty is ordered plainly, so that its index serves the order (an index on `starts_at` cannot serve
    `starts_at DESC NULLS LAST` on PostgreSQL, where NULLs sort first in descending order)."""
    name = term.lstrip("-")
    try:
        nullable = model._meta.get_field(name).null
    except FieldDoesNotExist:  # an annotation (a derived status, a count): it may be empty
        nullable = True
    if not nullable:
        return term
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_last=True)


MAX_ID = 2**63 - 1  # the largest big-integer key; a longer number can only be a slug


def id_or_slug(path: str, value: str) -> Q:
    """Rows whose `path` relation is the record with this id or this slug."""
    by_slug = Q(**{f"{path}__slug": value})
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return Q(**{f"{path}_id": int(value)}) | by_slug
    return by_slug


class IdFilter(django_filters.NumberFilter):
    """A record by id: a whole number from 1 to the largest key (a larger one is a 400, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdOrSlugFilter(django_filters.CharFilter):
    """A record a foreign key points to, by id or slug: `?track=gaza-ceasefire` or `?track=3`."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(id_or_slug(self.field_name, value.strip()))


def _chosen_format(request, view) -> str | None:
    """The `?format=` value when it names an output format (csv, json-stream), else None."""
    value = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
    formats = {renderer.format for renderer in view.get_renderers()} | {"csv", "json-stream"}
    return value if value in formats else None


class RecordFilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving out `format` when it chooses an output format (meetings have a
    `format` filter of their own, which still works with any other value)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if _chosen_format(request, view) is not None:
            data = kwargs["data"].copy()
            data.pop(api_settings.URL_FORMAT_OVERRIDE, None)
            kwargs["data"] = data
        return kwargs


class FormatNegotiation(DefaultContentNegotiation):
    """`?format=` chooses a renderer only when it names one; another value is left to the filters
    (DRF's own negotiation answers 404 to it)."""

    def filter_renderers(self, renderers, format):
        return [renderer for renderer in renderers if renderer.format == format] or renderers
