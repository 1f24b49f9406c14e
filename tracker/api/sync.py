"""Incremental sync: `?updated_since=` on every list, and the deletions feed /api/v1/deletions/.

A mirror keeps two high-water marks: the largest `updated_at` it has received and the largest
`deleted_at`. Each round it lists every resource with `updated_since=<mark>` (upsert each row by id)
and reads `/deletions/?since=<mark>` (delete each `{type, id}`). Both bounds are inclusive, so a
row at the mark comes again (harmless: applying a row or a deletion twice changes nothing). A row
is stamped when its transaction writes it but seen only when it commits, so a mirror should start
each round a little before its marks (say, a minute) rather than exactly at them.

Deletions come from the audit history (django-simple-history writes a `-` row for every delete of a
recorded model, bulk deletes included, since Django then deletes row by row to send the signals),
so there is no second table to keep in step.
"""

import base64
import binascii
import datetime
import json
from functools import cache

from django.apps import apps
from django.db.models import CharField, F, Model, Q, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from .filters import refuse_unknown_parameters
from .pagination import MAX_PAGE_SIZE, PAGE_SIZE, page_size
from .permissions import model_permission

SYNC_APPS = ("actors", "negotiations", "news")


def parse_instant(name: str, value: str) -> datetime.datetime:
    """An ISO 8601 date-time from a query parameter; without an offset it is UTC. A `+` left
    unencoded in a query string arrives as a space, so a space before the offset is read as `+`.

    A well-formed but impossible date (30 February, hour 25) and an instant that exists only in its own
    offset (0001-01-01T00:00+14:00 is before year 1 in UTC) are refused like any other bad value."""
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:  # well formatted, but no such date or time
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["Give an ISO 8601 date-time, e.g. 2025-07-06T15:30:00Z."]})
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError({name: ["The date-time is out of range once converted to UTC."]}) from None


class UpdatedSinceFilter:
    """`?updated_since=`: rows changed (or created) at or after that instant, by `updated_at`."""

    param = "updated_since"

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get(self.param)
        if not value:
            return queryset
        return queryset.filter(updated_at__gte=parse_instant(self.param, value))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only rows created or changed at or after this ISO 8601 date-time (UTC without "
                "an offset). With /api/v1/deletions/?since= it keeps a mirror in step.",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


@cache
def synced_models() -> dict[str, type[Model]]:
    """Every model with audit history in the synced apps, by `app_label.model_name`."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model._meta.app_label in SYNC_APPS and hasattr(model._meta, "simple_history_manager_attribute")
    }


def _encode_cursor(row: tuple) -> str:
    label, pk, at = row
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), label, pk]).encode()).decode()


def _decode_cursor(value: str) -> tuple[datetime.datetime, str, int]:
    try:
        at, label, pk = json.loads(base64.urlsafe_b64decode(value.encode()))
        instant = datetime.datetime.fromisoformat(at)
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError({"cursor": ["Invalid cursor: use the `next` link as given."]}) from None
    if not isinstance(label, str) or not isinstance(pk, int) or timezone.is_naive(instant):
        raise ValidationError({"cursor": ["Invalid cursor: use the `next` link as given."]})
    return instant, label, pk


def _after_cursor(label: str, cursor: tuple[datetime.datetime, str, int] | None) -> Q:
    """Rows of one type after the cursor in (deleted_at, type, id) order."""
    if cursor is None:
        return Q()
    at, cursor_label, pk = cursor
    if label > cursor_label:
        return Q(history_date__gte=at)
    if label == cursor_label:
        return Q(history_date__gt=at) | Q(history_date=at, id__gt=pk)
    return Q(history_date__gt=at)


class DeletionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="`app_label.model_name`, e.g. `negotiations.meeting`.")
    id = serializers.IntegerField()
    deleted_at = serializers.DateTimeField()


@extend_schema(
    parameters=[
        OpenApiParameter("since", OpenApiTypes.DATETIME, description="Deletions at or after this ISO 8601 date-time."),
        OpenApiParameter(
            "type",
            str,
            many=True,
            explode=True,
            description="Only these types (`app_label.model_name`; repeat or comma-separate).",
        ),
        OpenApiParameter("cursor", str, description="Opaque position from a `next` link."),
        OpenApiParameter("page_size", int, description=f"{PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}."),
    ],
    responses={
        200: inline_serializer(
            "DeletionPage",
            {
                "next": serializers.URLField(allow_null=True),
                "results": DeletionSerializer(many=True),
            },
        ),
        403: OpenApiResponse(description="A requested type is one the user may not view."),
    },
    tags=["sync"],
)
class DeletionsView(APIView):
    """Records deleted since an instant, oldest first, in pages (follow `next` until it is null).

    Lists only the types the user may view; asking for another type is a 403, an unknown one a 400."""

    permission_classes = [IsAuthenticated]

    def viewable_types(self, request) -> dict[str, type[Model]]:
        requested = [
            label.strip().lower()
            for value in request.query_params.getlist("type")
            for label in value.split(",")
            if label.strip()
        ]
        known = synced_models()
        unknown = sorted(set(requested) - known.keys())
        if unknown:
            raise ValidationError({"type": [f"Unknown type {', '.join(unknown)}; choose from {', '.join(known)}."]})
        chosen = {label: known[label] for label in requested} if requested else known
        allowed = {
            label: model for label, model in chosen.items() if request.user.has_perm(model_permission(model, "view"))
        }
        if not allowed or (requested and allowed.keys() != chosen.keys()):
            raise PermissionDenied("You may not view records of these types.")
        return allowed

    def get(self, request):
        refuse_unknown_parameters(request, {"type", "since", "cursor", "page_size"})
        types = self.viewable_types(request)
        since = request.query_params.get("since")
        since_filter = Q(history_date__gte=parse_instant("since", since)) if since else Q()
        cursor = _decode_cursor(request.query_params["cursor"]) if request.query_params.get("cursor") else None
        size = page_size(request, "page_size")
        parts = [
            model.history.filter(since_filter, _after_cursor(label, cursor), history_type="-")
            .annotate(row_type=Value(label, output_field=CharField()), row_id=F("id"), row_at=F("history_date"))
            .values_list("row_type", "row_id", "row_at")
            .order_by()
            for label, model in sorted(types.items())
        ]
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        rows = list(combined.order_by("row_at", "row_type", "row_id")[: size + 1])
        next_link = None
        if len(rows) > size:
            rows = rows[:size]
            next_link = replace_query_param(request.build_absolute_uri(), "cursor", _encode_cursor(rows[-1]))
        results = [{"type": label, "id": pk, "deleted_at": at} for label, pk, at in rows]
        return Response({"next": next_link, "results": DeletionSerializer(results, many=True).data})
