"""Conditional requests: validators on reads (304 when unchanged) and preconditions on writes (412, 428).

Reads. A detail's ETag is strong, `"<id>-<updated_at in µs since the epoch>"` (every change to what the
representation shows moves `updated_at`, see below, and the API serves one encoding), and its
Last-Modified is `updated_at`: both come from the row the view loads anyway, so they cost no query. A
list page's ETag is weak (`W/"…"`, a digest of (count, largest updated_at, ids) of the rows on the
page (count only with page pagination), again from rows already loaded: no query either).
`If-None-Match` answers 304 on both;
`If-Modified-Since` (read only without If-None-Match, as RFC 9110 says) answers 304 on details only,
since a deletion on a list page does not move the page's largest updated_at. A 304 is not free: the
view still loads the page (and its prefetches) to compute the validator; it saves the rendering and
the transfer. A row shown inside a record (a proposal's response, a meeting's participant, a
citation…) moves the record's updated_at when it changes (tracker/api/freshness.py), so the
validators cover what the representation shows.

Writes. PUT, PATCH and DELETE of a record name the version they change: `If-Match: <ETag>` (strong
comparison, RFC 9110 §13.1.1: the strong tag as a read gave it, `*` for any version; a weak tag never
matches) or `updated_at` in the body as read. A
stale version is a 412. The check and the write are one step: the write first claims the row with a
conditional UPDATE (`WHERE id = … AND updated_at = <the version checked>`), which on PostgreSQL also
locks the row until the request's transaction ends, so of two writers holding the same version the
second finds the version changed and gets a 412 — never a silent overwrite. With
`API_REQUIRE_WRITE_PRECONDITION` (on by default), a write naming no version is a 428.
"""

import datetime
import hashlib

from django.conf import settings
from django.db.models import F, Model
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .exceptions import PreconditionFailed, PreconditionRequired
from .export import ExportMixin

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
VERSION_FIELD = "updated_at"


def version_number(instant: datetime.datetime) -> int:
    """Microseconds since the epoch: exact, unlike a float timestamp."""
    return (instant - EPOCH) // datetime.timedelta(microseconds=1)


def record_etag(instance: Model) -> str:
    return f'"{instance.pk}-{version_number(instance.updated_at)}"'


def page_etag(rows: list[Model], count: int | None) -> str:
    latest = max((version_number(row.updated_at) for row in rows), default=0)
    ids = ",".join(str(row.pk) for row in rows)
    digest = hashlib.blake2b(f"{count}|{latest}|{ids}".encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def _tags(header: str) -> set[str]:
    return {_opaque(tag) for tag in header.split(",") if tag.strip()}


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2), for If-None-Match: the tags match whatever their W/ prefixes;
    `*` matches any."""
    tags = _tags(header)
    return "*" in tags or _opaque(etag) in tags


def etag_matches_strongly(header: str, etag: str) -> bool:
    """Strong comparison (RFC 9110 §8.8.3.2), for If-Match: both tags strong and equal; `*` matches any."""
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    return "*" in tags or (not etag.startswith("W/") and etag in tags)


def record_claim(instance: Model, *, version: datetime.datetime) -> bool:
    """Whether the record is still at `version`, holding it (row lock on PostgreSQL, write lock on
    SQLite) until the transaction ends. The UPDATE changes nothing but is the atomic check: a
    concurrent writer waits for the lock, then re-reads the row and no longer matches."""
    claimed = type(instance)._base_manager.filter(pk=instance.pk, updated_at=version).update(updated_at=F("updated_at"))
    return claimed == 1


def _validators(response: Response, etag: str, last_modified: datetime.datetime | None) -> Response:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def not_modified(request, etag: str, last_modified: datetime.datetime | None) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return etag_matches(if_none_match, etag)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since


class ConditionalMixin(ExportMixin):
    """For viewsets of TimeStampedModel records: validators and 304s on reads, If-Match on writes; lists
    also export (tracker/api/export.py)."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = record_etag(instance)
        if not_modified(request, etag, instance.updated_at):
            return _validators(Response(status=304), etag, instance.updated_at)
        return _validators(Response(self.get_serializer(instance).data), etag, instance.updated_at)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self.exporting(request):
            return self.export(queryset)
        page = self.paginate_queryset(queryset)
        paginator = self.paginator
        count = None
        if getattr(paginator, "cursor", None) is None and getattr(paginator, "page", None) is not None:
            count = paginator.page.paginator.count
        etag = page_etag(page, count)
        latest = max((row.updated_at for row in page), default=None)
        if request.META.get("HTTP_IF_NONE_MATCH") and not_modified(request, etag, None):
            return _validators(Response(status=304), etag, latest)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return _validators(response, etag, latest)

    def body_version(self, request) -> datetime.datetime | None:
        data = request.data
        if not isinstance(data, dict) or VERSION_FIELD not in data:
            return None
        try:
            return serializers.DateTimeField().to_internal_value(data[VERSION_FIELD])
        except serializers.ValidationError as error:
            raise ValidationError({VERSION_FIELD: error.detail}) from error

    def claim_for_write(self, request, instance: Model) -> None:
        """Refuse a write to a version other than the current one (412) or, when required, to no
        named version (428); then claim the row so that no other writer gets in between."""
        if_match = request.META.get("HTTP_IF_MATCH")
        body_version = self.body_version(request)
        if if_match:
            fresh = etag_matches_strongly(if_match, record_etag(instance))
        elif body_version is not None:
            fresh = body_version == instance.updated_at
        elif getattr(settings, "API_REQUIRE_WRITE_PRECONDITION", False):
            raise PreconditionRequired
        else:
            return
        if not fresh or not record_claim(instance, version=instance.updated_at):
            raise PreconditionFailed

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.claim_for_write(request, instance)
        self.perform_destroy(instance)
        return Response(status=204)
