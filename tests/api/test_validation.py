"""Bad input gets a clear 4xx that says what is wrong, field by field, and writes nothing."""

import json

import pytest
from django.urls import reverse
from rest_framework import status

from negotiations.models import Meeting, Proposal
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_for):
    return client_for("analyst")


def meeting(**changes) -> dict:
    return {"title": "Doha talks", "format": "indirect", "starts_at": "2025-07-06T18:00:00+03:00", **changes}


def post_meeting(client, payload):
    response = send(client, "post", reverse("api:meeting-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    assert not Meeting.objects.exists()
    return response.json()


def test_an_unknown_field_is_refused_and_named(analyst):
    errors = post_meeting(analyst, meeting(colour="red"))
    assert list(errors) == ["colour"]
    assert errors["colour"][0].startswith("Unknown field. Accepted: closed_door, country, ends_at, ends_on, format,")


def test_an_unknown_field_in_a_nested_row_is_refused(analyst):
    actor = f.ActorFactory()
    errors = post_meeting(analyst, meeting(participants=[{"actor": actor.pk, "role": "guest", "seat": 3}]))
    # Errors of list items are keyed by the item's index, as DRF keys them.
    assert errors == {"participants": {"0": {"seat": ["Unknown field. Accepted: actor, representing, role."]}}}


def test_wrong_types_are_field_errors(analyst):
    errors = post_meeting(
        analyst,
        meeting(closed_door="maybe", tracks="gaza", participants=[{"actor": [1], "role": "guest"}], format=7),
    )
    assert errors["closed_door"] == ["Must be a valid boolean."]
    assert errors["tracks"] == ['Expected a list of items but got type "str".']
    assert errors["participants"] == {
        "0": {"actor": ["Give the actor's id (an integer) or slug (a string), not list."]}
    }
    assert errors["format"] == ['"7" is not a valid choice.']


def test_invalid_dates_are_field_errors(analyst):
    errors = post_meeting(analyst, meeting(starts_at="2025-02-30T10:00"))
    assert errors["starts_at"][0].startswith("Datetime has wrong format.")
    proposal = f.ProposalFactory()
    response = send(
        analyst,
        "post",
        reverse("api:proposal-event-list"),
        {"proposal": proposal.pk, "kind": "tabled", "occurred_on": "2025-13-01"},
    )
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["occurred_on"][0].startswith("Date has wrong format.")


def test_an_end_before_the_start_and_an_unknown_time_zone_are_field_errors(analyst):
    errors = post_meeting(analyst, meeting(ends_at="2025-07-06T10:00:00+03:00"))
    assert errors == {"ends_at": ["The meeting ends before it starts."]}
    errors = post_meeting(analyst, meeting(time_zone="Mars/Olympus_Mons"))
    assert errors == {
        "time_zone": ["'Mars/Olympus_Mons' is not an IANA time zone (e.g. Asia/Qatar, America/New_York)."]
    }


def test_unknown_ids_and_slugs_are_named(analyst):
    errors = post_meeting(analyst, meeting(country=999999, tracks=["no-such-track"]))
    assert errors == {"country": ["No actor with id 999999."], "tracks": ['No track with slug "no-such-track".']}


def test_a_slug_with_a_null_character_is_a_field_error(analyst):
    """PostgreSQL refuses a NUL in a query: found by schemathesis (a PUT of a track's actors) as a 500."""
    errors = post_meeting(analyst, meeting(country="qa\x00tar", tracks=["ga\x00za"]))
    assert errors == {"country": ["Null characters are not allowed."], "tracks": ["Null characters are not allowed."]}


def test_a_record_can_be_named_by_id_or_slug(analyst):
    track = f.TrackFactory(slug="gaza")
    other = f.TrackFactory()
    state = f.StateFactory(slug="qatar")
    response = send(analyst, "post", reverse("api:meeting-list"), meeting(country="qatar", tracks=["gaza", other.pk]))
    assert response.status_code == status.HTTP_201_CREATED
    assert response.json()["country"]["id"] == state.pk
    assert {row["id"] for row in response.json()["tracks"]} == {track.pk, other.pk}


def test_malformed_json_is_a_400(analyst):
    response = send(analyst, "post", reverse("api:meeting-list"), '{"title": "Doha talks",')
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_body_that_is_not_an_object_is_a_400(analyst):
    response = send(analyst, "post", reverse("api:meeting-list"), [meeting()])
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_a_form_encoded_body_is_refused(analyst):
    response = analyst.post(reverse("api:meeting-list"), {"title": "Doha talks"})
    assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE


def test_a_huge_payload_is_refused_before_it_is_read(analyst, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    body = json.dumps(meeting(summary="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))
    response = send(analyst, "post", reverse("api:meeting-list"), body)
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {"detail": "The request body is larger than 1048576 bytes."}
    assert not Meeting.objects.exists()


def test_too_many_nested_rows_are_refused(analyst):
    rows = [{"key": f"k{n}", "kind": "other", "text": "t"} for n in range(501)]
    track, proposer = f.TrackFactory(), f.ActorFactory()
    payload = {"track": track.pk, "proposer": proposer.pk, "title": "P", "slug": "p", "terms": rows}
    response = send(analyst, "post", reverse("api:proposal-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"terms": {"non_field_errors": ["Ensure this field has no more than 500 elements."]}}


def test_an_unknown_record_in_the_url_is_a_404(analyst):
    response = send(analyst, "patch", reverse("api:meeting-detail", args=[999999]), {"title": "x"})
    assert response.status_code == status.HTTP_404_NOT_FOUND


def test_model_constraints_come_back_as_errors_on_the_row(analyst):
    track, proposer = f.TrackFactory(), f.ActorFactory()
    terms = [
        {"key": "truce", "kind": "truce_length", "text": "60 days", "quantity": "60", "unit": "days"},
        {"key": "hostages", "kind": "living_hostages", "text": "Ten", "quantity": "-10", "unit": "people"},
    ]
    payload = {"track": track.pk, "proposer": proposer.pk, "title": "P", "slug": "p", "terms": terms}
    response = send(analyst, "post", reverse("api:proposal-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    errors = response.json()["terms"]
    assert list(errors) == ["1"] and "negotiations_term_quantity_positive" in errors["1"]["non_field_errors"][0]
    assert not Proposal.objects.exists()


def test_cross_field_rules_name_the_field(analyst):
    track, proposer = f.TrackFactory(), f.ActorFactory()
    base = {"track": track.slug, "proposer": proposer.slug, "title": "P", "slug": "p"}
    response = send(analyst, "post", reverse("api:proposal-list"), {**base, "relation": "amends"})
    assert response.json() == {"previous_version": ["A relation needs a previous version."]}
    terms = [{"key": "truce", "kind": "truce_length", "text": "60 days", "quantity": 60}]
    response = send(analyst, "post", reverse("api:proposal-list"), {**base, "terms": terms})
    assert response.json() == {"terms": {"0": {"unit": ["A quantity needs a unit."]}}}
    response = send(
        analyst, "post", reverse("api:figure-list"), {"metric": "m", "label": "l", "value": 1, "as_of": "2025-07-07"}
    )
    assert response.json() == {"claimed_by": ["Give the claimant: an actor or a claimant_name."]}


def test_a_taken_slug_is_a_field_error(analyst):
    f.ActorFactory(slug="hamas")
    response = send(
        analyst, "post", reverse("api:actor-list"), {"name": "Hamas", "slug": "hamas", "kind": "armed_group"}
    )
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"slug": ["actor with this slug already exists."]}


def test_invalid_filter_values_are_400s(client_for):
    client = client_for("viewer")
    response = client.get(reverse("api:meeting-list"), {"date_from": "yesterday", "status": "adjourned"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {
        "date_from": ["Enter a valid date."],
        "status": ["Select a valid choice. adjourned is not one of the available choices."],
    }


def test_out_of_range_numbers_and_odd_characters_are_clear_errors(analyst):
    huge = 10**30
    errors = post_meeting(analyst, meeting(country=huge, tracks=[huge]))
    assert errors == {"country": [f"No actor with id {huge}."], "tracks": [f"No track with id {huge}."]}
    assert analyst.get(reverse("api:meeting-detail", args=[huge])).status_code == status.HTTP_404_NOT_FOUND
    assert analyst.get(reverse("api:meeting-list"), {"actor": str(huge)}).json() == {
        "actor": [f'No actor with id or slug "{huge}".']
    }
    assert analyst.get(reverse("api:meeting-list"), {"actor": "²"}).json() == {
        "actor": ['No actor with id or slug "²".']
    }
    figure = {"metric": "m", "label": "l", "as_of": "2025-07-07", "claimant_name": "x"}
    response = send(analyst, "post", reverse("api:figure-list"), {**figure, "value": 1e300})
    assert response.json() == {"value": ["Ensure that there are no more than 16 digits in total."]}
    response = send(analyst, "post", reverse("api:figure-list"), '{"metric": "m", "value": NaN}')
    assert response.status_code == status.HTTP_400_BAD_REQUEST and "NaN" in response.json()["detail"]
    response = send(analyst, "post", reverse("api:actor-list"), {"name": "a\x00b", "slug": "ab", "kind": "person"})
    assert response.json() == {"name": ["Null characters are not allowed."]}


def test_an_address_under_the_api_that_matches_no_route_is_a_json_404(analyst):
    for url in ("/api/v1/tracks/0.5/", "/api/v1/meetings/1/nothing/", "/api/v1/no-such-resource/"):
        response = analyst.get(url)
        assert response.status_code == status.HTTP_404_NOT_FOUND, url
        assert response["Content-Type"] == "application/json", url
        assert response.json()["detail"].startswith("Not found"), url
    # Outside the API, Django's own page.
    response = analyst.get("/no-such-page/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("api:meeting-list", "updated_since"),  # 30 February: well formed, no such day
        ("api:deletions", "since"),
    ],
)
def test_an_impossible_date_time_in_a_query_is_a_400(analyst, url, param):
    response = analyst.get(reverse(url), {param: "2025-02-30T10:00:00Z"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == [param]


@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_date_time_out_of_range_in_utc_is_a_400(analyst, instant):
    response = analyst.get(reverse("api:meeting-list"), {"updated_since": instant})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"updated_since": ["The date-time is out of range once converted to UTC."]}


@pytest.mark.parametrize("cursor", ["cD1hYmM=", "not-a-cursor"])  # the first decodes to position "abc"
def test_a_forged_cursor_is_a_400_naming_it(analyst, cursor):
    response = analyst.get(reverse("api:actor-list"), {"cursor": cursor})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("api:actor-list", {"page": "abc"}),
        ("api:actor-list", {"page": "0"}),
        ("api:actor-list", {"page_size": "abc"}),
        ("api:actor-list", {"page_size": "0"}),
        ("api:actor-list", {"pagination": "cursor", "page_size": "-1"}),
        ("api:deletions", {"page_size": "²"}),  # a digit to str.isdigit(), not to int()
    ],
)
def test_page_and_page_size_must_be_positive_integers(analyst, url, params):
    response = analyst.get(reverse(url), params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {name: ["A positive integer."] for name in params if name != "pagination"}


@pytest.mark.parametrize(
    "changes",
    [
        # Read in the meeting's time zone, these are before year 1 or after 9999 in UTC.
        {"starts_at": "0001-01-01T00:00:00", "time_zone": "Asia/Tokyo"},
        {"starts_at": "9999-12-31T23:00:00", "time_zone": "America/New_York"},
        # Fine in UTC, but the meeting's local time would be in year 0.
        {"starts_at": "0001-01-01T01:00:00Z", "time_zone": "America/New_York"},
    ],
)
def test_a_meeting_time_out_of_range_in_utc_or_locally_is_a_field_error(analyst, changes):
    assert post_meeting(analyst, meeting(**changes)) == {"starts_at": ["Datetime value out of range."]}


@pytest.mark.parametrize(
    ("name", "factory", "payload", "missing"),
    [
        ("actor", f.ActorFactory, {"aliases": [{"language": "en"}]}, ("aliases", "name")),
        ("track", f.TrackFactory, {"phases": [{"name": "First"}]}, ("phases", "sequence")),
        ("meeting", f.MeetingFactory, {"participants": [{"role": "guest"}]}, ("participants", "actor")),
    ],
)
def test_a_patch_still_needs_whole_nested_rows(analyst, name, factory, payload, missing):
    """Nested rows replace the record's rows, so each one is complete even in a PATCH of the record."""
    url = reverse(f"api:{name}-detail", args=[factory().pk])
    response = send(analyst, "patch", url, payload, HTTP_IF_MATCH="*")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    rows, field = missing
    assert response.json() == {rows: {"0": {field: ["This field is required."]}}}


def test_huge_numbers_in_review_and_feed_inputs_are_field_errors(client_for):
    editor = client_for("editor")
    article, feed = f.ArticleFactory(), f.FeedFactory()
    url = reverse("api:article-accept", args=[article.pk])
    response = send(editor, "post", url, {"suggestions": [2**70]})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()["suggestions"]) == ["0"]
    url = reverse("api:feed-detail", args=[feed.pk])
    response = send(editor, "patch", url, {"poll_interval": "999999999 00:00:00"}, HTTP_IF_MATCH="*")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"poll_interval": ["Ensure this value is less than or equal to 365 days, 0:00:00."]}


@pytest.mark.parametrize("value", ["\x00", "²"])
def test_a_dashboard_parameter_naming_a_record_refuses_odd_characters(analyst, value):
    response = analyst.get(reverse("api:timeline"), {"track": value})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == ["track"]
