"""One rule for query parameters on every list and dashboard, checked on every one of them.

The endpoints come from the URL configuration (drf-spectacular's enumerator: every GET route without a
path parameter under /api/v1/) and their parameters from the OpenAPI schema, so a new list or a new
filter is covered without editing this file: an undocumented parameter is a 400 naming it, and so is a
value a parameter cannot take — only free text (`search`) matches whatever it is given.
"""

import pytest
from django.urls import reverse
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework import status

from tests import factories as f
from tracker.roles import ADMINISTRATOR

# GET routes without a path parameter that are not lists: who is asking, and the index of the API.
NOT_LISTS = {"/api/v1/auth/me/", "/api/v1/"}
FREE_TEXT = {"search"}
BOGUS = "no such value!"


def list_paths() -> list[str]:
    paths = {path for path, _, method, _ in EndpointEnumerator().get_api_endpoints() if method == "GET"}
    return sorted(path for path in paths if path.startswith("/api/v1/") and "{" not in path and path not in NOT_LISTS)


LIST_PATHS = list_paths()


def documented_parameters() -> dict[str, list[str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path: [p["name"] for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "query"]
        for path in LIST_PATHS
    }


PARAMETERS = documented_parameters()
VALUE_CASES = [(path, name) for path, names in PARAMETERS.items() for name in names if name not in FREE_TEXT]


@pytest.fixture
def admin(client_for):
    return client_for(ADMINISTRATOR)


def test_the_lists_are_found_from_the_url_configuration():
    # A guard against an enumeration that finds nothing (and so tests nothing).
    assert {"/api/v1/meetings/", "/api/v1/articles/", "/api/v1/timeline/", "/api/v1/deletions/"} <= set(LIST_PATHS)
    assert len(LIST_PATHS) >= 20


@pytest.mark.parametrize("path", LIST_PATHS)
def test_an_unknown_parameter_is_a_400_naming_it(admin, path):
    response = admin.get(path, {"colour": "red"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    (message,) = response.json()["colour"]
    assert message.startswith("Unknown parameter; this endpoint takes: ")
    assert set(message.removeprefix("Unknown parameter; this endpoint takes: ").rstrip(".").split(", ")) >= set(
        PARAMETERS[path]
    )


@pytest.mark.parametrize(("path", "name"), VALUE_CASES)
def test_a_value_a_parameter_cannot_take_is_a_400_naming_it(admin, path, name):
    response = admin.get(path, {name: BOGUS})
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    assert name in response.json()


@pytest.mark.parametrize("path", [path for path, names in PARAMETERS.items() if "search" in names])
def test_free_text_matches_whatever_it_is_given(admin, path):
    assert admin.get(path, {"search": BOGUS}).status_code == status.HTTP_200_OK


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("api:meeting-list", {"track": "nope"}, 'No track with id or slug "nope".'),
        ("api:proposal-list", {"track": "999999"}, 'No track with id or slug "999999".'),
        ("api:article-list", {"feed": "999999"}, 'No feed with id "999999".'),
        ("api:figure-list", {"metric": "hostage-remainig"}, 'No figure has the metric "hostage-remainig".'),
        ("api:meeting-list", {"unannounced": "maybe"}, "Give true or false."),
        ("api:citation-list", {"record_id": "7"}, "Give record_type with record_id: ids are per type."),
        ("api:proposal-list", {"status": "bogus"}, "Select a valid choice. bogus is not one of the available choices."),
    ],
)
def test_unknown_filter_values_are_named(admin, name, params, message):
    response = admin.get(reverse(name), params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {next(iter(params)): [message]}


def test_known_values_still_filter(admin):
    track = f.TrackFactory(slug="gaza")
    meeting = f.MeetingFactory(unannounced=True)
    meeting.tracks.add(track)
    f.MeetingFactory()
    url = reverse("api:meeting-list")
    assert [row["id"] for row in admin.get(url, {"track": "gaza", "unannounced": "true"}).json()["results"]] == [
        meeting.pk
    ]
    assert admin.get(url, {"unannounced": "false"}).json()["count"] == 1
    assert admin.get(url, {"format": "csv"}).status_code == status.HTTP_200_OK


def ordering_parameters() -> dict[str, dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path: parameter
        for path in LIST_PATHS
        for parameter in schema["paths"][path]["get"].get("parameters", [])
        if parameter["name"] == "ordering"
    }


ORDERINGS = ordering_parameters()


def test_every_resource_list_takes_an_ordering():
    resources = {path for path in LIST_PATHS if "format" in PARAMETERS[path] and "page" in PARAMETERS[path]}
    assert resources and resources <= set(ORDERINGS)


@pytest.mark.parametrize("path", sorted(ORDERINGS))
def test_every_list_orders_by_id_and_documents_its_orderings(admin, path):
    allowed = ORDERINGS[path]["schema"]["items"]["enum"]
    assert {"id", "-id"} <= set(allowed)
    assert admin.get(path, {"ordering": "-id"}).status_code == status.HTTP_200_OK
    refused = admin.get(path, {"ordering": "-colour"})
    assert refused.status_code == status.HTTP_400_BAD_REQUEST
    (message,) = refused.json()["ordering"]
    fields = {name.lstrip("-") for name in allowed}
    assert message == f"Cannot order by -colour; choose from {', '.join(sorted(fields))}."


def test_ordering_by_id_orders_by_id(admin):
    ids = [f.TrackFactory().pk for _ in range(3)]
    url = reverse("api:track-list")
    assert [row["id"] for row in admin.get(url, {"ordering": "-id"}).json()["results"]] == sorted(ids, reverse=True)
    assert [row["id"] for row in admin.get(url, {"ordering": "id"}).json()["results"]] == sorted(ids)


def test_a_citation_record_id_names_a_record_of_its_type(admin):
    meeting = f.MeetingFactory()
    url = reverse("api:citation-list")
    assert admin.get(url, {"record_type": "negotiations.meeting", "record_id": meeting.pk}).status_code == 200
    missing = admin.get(url, {"record_type": "negotiations.meeting", "record_id": meeting.pk + 1})
    assert missing.json() == {"record_id": [f"No meeting with id {meeting.pk + 1}."]}
