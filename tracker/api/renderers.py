"""JSON rendered with orjson: the same document as DRF's JSONRenderer, several times faster on big pages.

Values orjson does not know natively (Decimal, lazy strings, …) and dates and times (passed through,
so that they keep DRF's format: `Z` for UTC, milliseconds) go through DRF's own encoder. An explicit
`; indent=` in the Accept header falls back to DRF's renderer.
"""

import orjson
from django.template.loader import render_to_string
from drf_spectacular.renderers import OpenApiYamlRenderer
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_encoder = JSONEncoder()
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=_encoder.default, option=OPTIONS)


class SchemaPageRenderer(OpenApiYamlRenderer):
    """The OpenAPI schema as a page a browser shows (its YAML, escaped, with links to the rendered
    documentation and to the JSON) rather than a file it downloads; chosen only by `Accept: text/html`
    (or `?format=html`), so clients keep YAML by default and JSON by `Accept` or `?format=json`."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = renderer_context.get("response") if renderer_context else None
        if response is not None:
            response.headers.pop("Content-Disposition", None)  # shown, not saved
        text = super().render(data, accepted_media_type, renderer_context).decode()
        return render_to_string("api/schema.html", {"schema": text}).encode()
