"""Export of any list: every row matching the filters, unpaginated, streamed as CSV or JSON.

`?format=csv` (or `Accept: text/csv`) and `?format=json-stream`. The rows come from
`queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)`: the database hands them over a chunk at a time and
the selector's prefetches run once per chunk, so memory is bounded by one chunk whatever the number of
rows, and an export costs the request's own queries plus (1 + the resource's prefetches) per chunk of
EXPORT_CHUNK_SIZE rows — the same for any number of rows within a chunk, never a query per row. The
count query of a page is not run.

CSV flattens each row: a nested record (a meeting's `country`) becomes one column per field
(`country.id`, `country.name`…); a list (tracks, participants, citations) becomes one cell of its
items' names (or titles, keys, slugs, URLs, ids) separated by "; "; anything deeper is JSON.
"""

import csv
import json

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from .renderers import FastJSONRenderer

EXPORT_CHUNK_SIZE = 200  # each row holds its prefetched rows (~10 kB a meeting): a chunk is a few MB
LABEL_KEYS = ("name", "title", "label", "key", "slug", "url")


class ExportRenderer(BaseRenderer):
    """Chosen by content negotiation; lists stream themselves, so this renders only what is not a list
    (an error is rendered as JSON by the view)."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return FastJSONRenderer().render(data)


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class JSONStreamRenderer(ExportRenderer):
    media_type = "application/json"
    format = "json-stream"


EXPORT_RENDERERS = (CSVRenderer, JSONStreamRenderer)


def _label(item) -> str:
    if isinstance(item, dict):
        for key in LABEL_KEYS:
            if item.get(key):
                return str(item[key])
        for value in item.values():
            if isinstance(value, dict):
                return _label(value)
        return str(item.get("id", json.dumps(item, cls=JSONEncoder)))
    return "" if item is None else str(item)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_label(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_columns(serializer: serializers.Serializer) -> list[tuple[str, str | None]]:
    """(field, subfield) per column: a nested single record spreads over its fields."""
    columns: list[tuple[str, str | None]] = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns += [(name, sub) for sub in field.fields]
        else:
            columns.append((name, None))
    return columns


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(serializer_for, rows, columns):
    writer = csv.writer(_Echo())
    yield writer.writerow([name if sub is None else f"{name}.{sub}" for name, sub in columns])
    for row in rows:
        data = serializer_for(row)
        cells = []
        for name, sub in columns:
            value = data.get(name)
            cells.append(_cell(value if sub is None else (value or {}).get(sub)))
        yield writer.writerow(cells)


def json_rows(serializer_for, rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(serializer_for(row), cls=JSONEncoder, ensure_ascii=False)
    yield "\n]\n"


class ExportMixin:
    """For list viewsets: `?format=csv` / `?format=json-stream` stream every filtered row."""

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def handle_exception(self, exc):
        if isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer):
            self.request.accepted_renderer, self.request.accepted_media_type = FastJSONRenderer(), "application/json"
        return super().handle_exception(exc)

    def exporting(self, request) -> bool:
        return isinstance(getattr(request, "accepted_renderer", None), ExportRenderer)

    def export(self, queryset) -> StreamingHttpResponse:
        renderer = self.request.accepted_renderer
        rows = queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        context = self.get_serializer_context()
        serializer_class = self.get_serializer_class()

        def serializer_for(row):
            data = serializer_class(row, context=context).data
            # A prefetched child points back at its parent, a cycle only the cyclic GC frees, long after
            # the chunk is gone; dropping the parent's side lets reference counting free each chunk.
            row.__dict__.pop("_prefetched_objects_cache", None)
            return data

        name = queryset.model._meta.model_name
        if isinstance(renderer, CSVRenderer):
            body = csv_rows(serializer_for, rows, csv_columns(serializer_class(context=context)))
            filename = f"{name}.csv"
        else:
            body = json_rows(serializer_for, rows)
            filename = f"{name}.json"
        response = StreamingHttpResponse(body, content_type=f"{renderer.media_type}; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["Cache-Control"] = "private, no-store"
        return response
