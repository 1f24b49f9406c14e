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
    assert errors["colour"][0].startswith("Unknown field. Accepted: closed_door, country, ends_at, format,")


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
    assert analyst.get(reverse("api:meeting-list"), {"actor": str(huge)}).json()["count"] == 0
    assert analyst.get(reverse("api:meeting-list"), {"actor": "²"}).json()["count"] == 0
    figure = {"metric": "m", "label": "l", "as_of": "2025-07-07", "claimant_name": "x"}
    response = send(analyst, "post", reverse("api:figure-list"), {**figure, "value": 1e300})
    assert response.json() == {"value": ["Ensure that there are no more than 16 digits in total."]}
    response = send(analyst, "post", reverse("api:figure-list"), '{"metric": "m", "value": NaN}')
    assert response.status_code == status.HTTP_400_BAD_REQUEST and "NaN" in response.json()["detail"]
    response = send(analyst, "post", reverse("api:actor-list"), {"name": "a\x00b", "slug": "ab", "kind": "person"})
    assert response.json() == {"name": ["Null characters are not allowed."]}
