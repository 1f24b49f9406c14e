"""The API answers like a browsable API: /api/v1/ is an index of what it serves, and the schema shows in
a browser while clients still get YAML or JSON."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import EndpointEnumerator
from rest_framework import status

pytestmark = pytest.mark.django_db
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_the_index_links_every_endpoint_without_a_path_parameter(client):
    response = client.get("/api/v1/")
    assert response.status_code == status.HTTP_200_OK and response["Content-Type"] == "application/json"
    index = response.json()
    served = {
        path
        for path, _, method, _ in EndpointEnumerator().get_api_endpoints()
        if path.startswith("/api/v1/") and "{" not in path and path != "/api/v1/"
    }
    assert {url.removeprefix("http://testserver") for url in index.values()} >= served
    assert index["meetings"] == "http://testserver/api/v1/meetings/"
    assert index["boards/proposals"] == "http://testserver/api/v1/boards/proposals/"
    assert index["auth/token"] == "http://testserver/api/v1/auth/token/"
    assert index["schema"] == "http://testserver/api/schema/"
    for url in index.values():  # every link leads somewhere (401 or 405 for what needs more)
        assert client.get(url).status_code != status.HTTP_404_NOT_FOUND, url


def test_the_index_is_a_page_in_a_browser(client):
    response = client.get("/api/v1/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Type"].startswith("text/html")
    assert 'href="http://testserver/api/v1/meetings/"' in response.content.decode()


def test_the_schema_shows_in_a_browser_and_stays_yaml_or_json_for_clients(client):
    page = client.get(reverse("api:schema"), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == status.HTTP_200_OK
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert not page.has_header("Content-Disposition")
    body = page.content.decode()
    assert "openapi: 3.0.3" in body and "/api/v1/meetings/:" in body and 'href="/api/docs/"' in body
    assert "<script" not in body.split("<pre>")[1]  # the schema's text is escaped
    assert client.get(reverse("api:schema"))["Content-Type"].startswith("application/vnd.oai.openapi")
    by_query = client.get(reverse("api:schema"), {"format": "json"}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert "json" in by_query["Content-Type"] and by_query.json()["openapi"] == "3.0.3"
    by_accept = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert by_accept.json()["openapi"] == "3.0.3"
