"""Filtering and ordering shared by every resource, and the one rule for query parameters.

The rule, on every list and dashboard: a query parameter the endpoint does not document is a 400 naming
it (`{"colour": ["Unknown parameter; this endpoint takes: …"]}`), and so is a value a filter cannot
take — an unknown record (`?track=nope`), status, kind, date, number or boolean — never an empty answer
or a silently ignored filter. Only free text (`search`) matches whatever it is given.

Ordering: `?ordering=field,-other` over the fields each view lists, and `id` on every list; an unknown
field is a 400 listing the allowed ones, empty values sort last, and the id always breaks ties so pages
never overlap. Filters that name a record (`actor`, `track`…) take its id or its slug.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db.models import F, Model, Q
from django.db.models.expressions import OrderBy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering over the view's `ordering_fields` and `id` (every list can be ordered by id)."""

    def get_valid_fields(self, queryset, view, context=None):
        fields = super().get_valid_fields(queryset, view, context or {})
        return [*fields, ("id", "id")] if "id" not in {name for name, _ in fields} else fields

    def allowed(self, view) -> list[str]:
        names = [*getattr(view, "ordering_fields", ()), "id"]
        names = list(dict.fromkeys(names))
        return [option for name in names for option in (name, f"-{name}")]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            raise ValidationError(
                {"ordering": [f"Cannot order by {', '.join(unknown)}; choose from {', '.join(sorted(valid))}."]}
            )
        return [term for term in fields if term]

    def get_schema_operation_parameters(self, view):
        default = ",".join(getattr(view, "ordering", ()))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Comma-separated fields, `-` for descending; the id breaks ties. Default: {default}.",
                "style": "form",
                "explode": False,
                "schema": {"type": "array", "items": {"type": "string", "enum": self.allowed(view)}},
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


class IdFilter(django_filters.NumberFilter):
    """A record by id: a whole number from 1 to the largest key (a larger one is a 400, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def find_record(model: type[Model], value: str, *, by_slug: bool = True) -> Model | None:
    """The record with this id (or this slug), or None."""
    lookup = Q(slug=value) if by_slug else Q(pk__in=[])
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:  # "²" is a digit to isdigit(), not to int()
        lookup |= Q(pk=int(value))
    return model._default_manager.filter(lookup).order_by("pk").first()


class RecordField(forms.CharField):
    """A query value naming a record by id (or slug); cleans to the record, or is an error naming the value."""

    def __init__(self, *, model: type[Model], by_slug: bool = True, **kwargs):
        self.model, self.by_slug = model, by_slug
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)  # the text's own checks first: a NUL must not reach the database
        if value in self.empty_values:
            return None
        record = find_record(self.model, value, by_slug=self.by_slug)
        if record is None:
            naming = "id or slug" if self.by_slug else "id"
            raise forms.ValidationError(f'No {self.model._meta.verbose_name} with {naming} "{value}".')
        return record


class RecordFilter(django_filters.Filter):
    """A record a foreign key points to, by id or slug (`?track=gaza-ceasefire` or `?track=3`); an unknown
    one is a 400. With `method`, the method gets the record."""

    field_class = RecordField

    def __init__(self, *args, model: type[Model], by_slug: bool = True, **kwargs):
        super().__init__(*args, model=model, by_slug=by_slug, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error rather than "no filter"."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError("Give true or false.") from None

    def validate(self, value):
        pass


class BooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


# A BCP 47 language tag: en, ar, he, pt-BR, zh-Hant-TW.
LANGUAGE_TAG = RegexValidator(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z", "Give a BCP 47 language code, e.g. en, ar, he.")


def language_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(validators=[LANGUAGE_TAG], help_text="BCP 47 code, e.g. en, ar, he.")


def list_parameters(view) -> set[str]:
    """Every query parameter a list documents: its filters, its other filter backends', its paginator's,
    and `format`."""
    names = {api_settings.URL_FORMAT_OVERRIDE}
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
    for backend in view.filter_backends:
        if not issubclass(backend, DjangoFilterBackend):
            names |= {parameter["name"] for parameter in backend().get_schema_operation_parameters(view)}
    if view.paginator is not None:
        names |= {parameter["name"] for parameter in view.paginator.get_schema_operation_parameters(view)}
    return names


def refuse_unknown_parameters(request, allowed: Iterable[str]) -> None:
    """A 400 naming each query parameter the endpoint does not take (a typo never silently widens an answer)."""
    allowed = set(allowed)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "no parameters"
        raise ValidationError({name: [f"Unknown parameter; this endpoint takes: {takes}."] for name in unknown})


def _chosen_format(request, view) -> str | None:
    """The `?format=` value when it names an output format (a renderer's; csv, json-stream on lists), else None."""
    value = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
    formats = {renderer.format for renderer in view.get_renderers()}
    if hasattr(view, "exporting"):
        formats |= {"csv", "json-stream"}
    return value if value in formats else None


def refuse_unknown_format(request, view, *, filtered: bool = False) -> None:
    """A `?format=` that names no output format of the view is a 400 listing them (unless the list has a
    `format` filter of its own — meetings — whose values are checked there)."""
    value = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
    if value is None or filtered or _chosen_format(request, view) is not None:
        return
    formats = {renderer.format for renderer in view.get_renderers()}
    if hasattr(view, "exporting"):
        formats |= {"csv", "json-stream"}
    raise ValidationError(
        {api_settings.URL_FORMAT_OVERRIDE: [f"Unknown format; choose from {', '.join(sorted(formats))}."]}
    )


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
