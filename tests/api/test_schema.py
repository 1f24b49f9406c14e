"""The OpenAPI schema validates with no warnings; the documentation pages use only local files."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from rest_framework import status


def test_the_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    assert '"openapi": "3.0.3"' in out.getvalue()


@pytest.mark.django_db
def test_the_schema_endpoint_describes_every_resource(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == status.HTTP_200_OK
    schema = response.json()
    paths = set(schema["paths"])
    for resource in (
        "actors",
        "tracks",
        "meetings",
        "proposals",
        "proposal-events",
        "responses",
        "sticking-points",
        "sticking-point-statuses",
        "positions",
        "figures",
        "citations",
        "feeds",
        "articles",
    ):
        assert f"/api/v1/{resource}/" in paths and f"/api/v1/{resource}/{{id}}/" in paths, resource
    assert {"/api/v1/articles/{id}/accept/", "/api/v1/feeds/{id}/poll/", "/api/v1/auth/token/"} <= paths
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    meetings = schema["paths"]["/api/v1/meetings/"]["get"]
    parameters = {parameter["name"] for parameter in meetings["parameters"]}
    assert {"pagination", "cursor", "page", "page_size", "ordering", "date_from", "actor", "track"} <= parameters
    # Writes are documented with their input serializer, reads with the output one.
    create = schema["paths"]["/api/v1/meetings/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MeetingInputRequest")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Meeting")


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["api:docs", "api:redoc"])
def test_the_documentation_pages_load_only_local_files(client, page):
    response = client.get(reverse(page))
    assert response.status_code == status.HTTP_200_OK
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, html
    # Swagger UI's start script is a file the page itself serves (no inline script: the CSP forbids them).
    own_script = f"{reverse(page)}?script="
    files = [url for url in urls if url != own_script]
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in files), urls
    assert all(finders.find(url.removeprefix("/static/")) for url in files), "a page refers to a missing file"
    assert not re.search(r"https?://", html.replace("http://testserver", "")), "a page refers to another site"
    assert "<script>" not in html
    if own_script in urls:
        script = client.get(own_script)
        assert script.status_code == status.HTTP_200_OK
        assert script["Content-Type"].startswith("application/javascript")
        assert not re.search(r"https?://", script.content.decode().replace("http://testserver", ""))


@pytest.mark.django_db
def test_swagger_ui_does_not_ask_the_online_validator(client):
    script = client.get(reverse("api:docs") + "?script=").content.decode()
    assert '"validatorUrl": null' in script


@pytest.fixture
def served_schema(client, db):
    return client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_every_operation_documents_the_errors_it_can_answer_with(served_schema):
    """Clients (and the schemathesis run) rely on the documented codes: each error with its body."""
    error, invalid = {"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/ValidationError"}
    paths = served_schema["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (method, path)
            assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
            for code in set(responses) & {"401", "403", "404", "409", "412", "413", "415", "428", "429"}:
                assert responses[code]["content"]["application/json"]["schema"] == error, (method, path, code)
            if "400" in responses:
                assert responses["400"]["content"]["application/json"]["schema"] == invalid, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(responses), (method, path)
    detail = paths["/api/v1/meetings/{id}/"]
    assert {"403", "404"} <= set(detail["get"]["responses"])
    for method in ("put", "patch", "delete"):
        assert {"400", "404", "409", "412", "413", "415", "428"} <= set(detail[method]["responses"]), method
    assert {"400", "404"} <= set(paths["/api/v1/meetings/"]["get"]["responses"])  # a bad filter; a page too far
    assert "403" not in paths["/api/v1/auth/me/"]["get"]["responses"]  # any signed-in user
    # The calendar answers an error as text when text/calendar is all the client accepts.
    calendar_error = paths["/api/v1/calendar/upcoming.ics"]["get"]["responses"]["401"]["content"]
    assert set(calendar_error) == {"application/json", "text/calendar"}


def test_lists_document_their_export_formats(served_schema):
    content = served_schema["paths"]["/api/v1/meetings/"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/PaginatedMeetingList"},
            {"type": "array", "items": {"$ref": "#/components/schemas/Meeting"}},  # ?format=json-stream
        ]
    }
    assert content["text/csv"]["schema"]["type"] == "string"
