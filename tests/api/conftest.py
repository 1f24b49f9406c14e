import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.news.conftest import http_server, network_guard  # noqa: F401


def send(client, method: str, url: str, payload=None, **extra):
    """A JSON request (a str payload is sent as it is, for malformed bodies)."""
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/json", **extra)


@pytest.fixture
def count_queries():
    """Run a GET with a cold content-type cache and return (response, number of queries)."""

    def run(client, url: str, **extra):
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **extra)
        assert response.status_code == 200, response.content
        return response, len(queries)

    return run
