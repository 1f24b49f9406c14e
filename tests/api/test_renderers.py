"""The orjson renderer writes the same JSON as DRF's own renderer."""

import datetime
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from tracker.api.renderers import FastJSONRenderer


def test_the_fast_renderer_writes_what_drf_writes():
    data = {
        "at": datetime.datetime(2025, 7, 7, 22, 30, 15, 123456, tzinfo=datetime.UTC),
        "on": datetime.date(2025, 7, 7),
        "time": datetime.time(9, 30, 0, 250000),
        "quantity": decimal.Decimal("60.50"),
        "label": gettext_lazy("Accept"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "nested": [{"name": "الدوحة", 7: None, "ok": True, "score": 0.25}],
    }
    fast, drf = FastJSONRenderer().render(data), JSONRenderer().render(data)
    assert json.loads(fast) == json.loads(drf)
    assert b'"2025-07-07T22:30:15.123456Z"' in fast and "الدوحة".encode() in fast  # UTC as Z, no \u escapes


def test_an_indent_asked_for_is_honoured():
    rendered = FastJSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert rendered.decode() == '{\n  "a": [\n    1\n  ]\n}'
    assert FastJSONRenderer().render(None) == b""
