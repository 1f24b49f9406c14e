"""Serializer building blocks: strict payloads and related records by id or slug."""

from collections.abc import Mapping

from django.db.models import Model, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings


class StrictFieldsMixin:
    """Reject fields the resource does not accept (a typo must not be silently dropped) and read-only ones.

    A nested row (an alias, a phase, a term…) is written whole: the list it is in replaces the record's
    rows, so its required fields are required even in a PATCH of the record (DRF would let a partial
    update skip them in nested rows too)."""

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            writable = sorted(name for name, field in self.fields.items() if not field.read_only)
            for key in data:
                if key in writable:
                    continue
                if key in self.fields:
                    errors[key] = ["This field is read-only."]
                else:
                    errors[str(key)] = [f"Unknown field. Accepted: {', '.join(writable)}."]
            if self.parent is not None and getattr(self.root, "partial", False):
                for name, field in self.fields.items():
                    if field.required and name not in data:
                        errors[name] = [field.error_messages["required"]]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError({**error.detail, **errors}) from error
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


def _model_name(model: type[Model]) -> str:
    return str(model._meta.verbose_name)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "An id or a slug."})
class IdOrSlugRelatedField(serializers.RelatedField):
    """A related record given by its id (an integer) or its slug (a string)."""

    default_error_messages = {
        "no_id": "No {model} with id {value}.",
        "no_slug": 'No {model} with slug "{value}".',
        "incorrect_type": "Give the {model}'s id (an integer) or slug (a string), not {data_type}.",
        "null_character": "Null characters are not allowed.",
    }

    def __init__(self, *, slug_field: str = "slug", **kwargs):
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def preload(self, values: list) -> None:
        """Read the records that `values` name (ids and slugs) in one query, for the calls that follow
        (RecordsListSerializer); values of the wrong type are left to to_internal_value to refuse."""
        ids = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        slugs = [v for v in values if isinstance(v, str) and "\x00" not in v]
        self.preloaded = {}
        if ids or slugs:
            for record in self.get_queryset().filter(Q(pk__in=ids) | Q(**{f"{self.slug_field}__in": slugs})):
                self.preloaded[record.pk] = self.preloaded[getattr(record, self.slug_field)] = record

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        model = _model_name(queryset.model)
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", model=model, data_type=type(data).__name__)
        preloaded = getattr(self, "preloaded", None)
        if preloaded is not None and data in preloaded:
            return preloaded[data]
        if isinstance(data, int):
            found = queryset.filter(pk=data).first()
            if found is None:
                self.fail("no_id", model=model, value=data)
            return found
        if "\x00" in data:  # PostgreSQL refuses a NUL in a query: a 500, not the 400 it is
            self.fail("null_character")
        found = queryset.filter(**{self.slug_field: data}).first()
        if found is None:
            self.fail("no_slug", model=model, value=data)
        return found

    def to_representation(self, value):
        return value.pk


@extend_schema_field(OpenApiTypes.INT)
class IdRelatedField(serializers.RelatedField):
    """A related record given by its id."""

    default_error_messages = {
        "no_id": "No {model} with id {value}.",
        "incorrect_type": "Give the {model}'s id (an integer), not {data_type}.",
    }

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        model = _model_name(queryset.model)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", model=model, data_type=type(data).__name__)
        found = queryset.filter(pk=data).first()
        if found is None:
            self.fail("no_id", model=model, value=data)
        return found

    def to_representation(self, value):
        return value.pk


def unique_items(items: list, key, message: str) -> None:
    """An error on each repeated item of a nested list (by `key`), keyed by its index as DRF keys
    the errors of list items."""
    seen: set = set()
    errors: dict[int, dict] = {}
    for index, item in enumerate(items):
        value = key(item)
        if value in seen:
            errors[index] = {api_settings.NON_FIELD_ERRORS_KEY: [message]}
        seen.add(value)
    if errors:
        raise serializers.ValidationError(errors)


class RecordsListSerializer(serializers.ListSerializer):
    """A nested list whose rows name records by id or slug: the records each IdOrSlugRelatedField of the
    rows names are read in one query per field before the rows are validated, not one query per row."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            for name, field in self.child.fields.items():
                if isinstance(field, IdOrSlugRelatedField):
                    field.preload([row.get(name) for row in data if isinstance(row, dict)])
        return super().to_internal_value(data)
