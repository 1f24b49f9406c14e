"""Writes of the negotiation record over the API: nested rows, derived statuses, local times, sources."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework import status

from negotiations.models import Citation, Meeting, Phase, Proposal, Term
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_for):
    return client_for("analyst")


def test_a_meeting_card_is_written_and_read_in_one_request(analyst):
    f.TrackFactory(slug="gaza")
    f.StateFactory(slug="qatar")
    f.StateFactory(slug="israel")
    envoy, negotiator = f.ActorFactory(slug="witkoff"), f.ActorFactory(slug="dermer")
    proposal = f.ProposalFactory(slug="truce-60")
    f.ProposalEventFactory(proposal=proposal, kind="tabled")
    point = f.StickingPointFactory(slug="withdrawal")
    f.StatusChangeFactory(sticking_point=point, status="deadlocked")
    payload = {
        "title": "Doha proximity talks",
        "format": "indirect",
        "status": "held",
        # No offset: read in the meeting's own time zone.
        "starts_at": "2025-07-06T20:00",
        "time_zone": "Asia/Qatar",
        "country": "qatar",
        "tracks": ["gaza"],
        "proposals": ["truce-60"],
        "sticking_points": [point.pk],
        "participants": [
            {"actor": "qatar", "role": "mediator"},
            {"actor": "dermer", "role": "delegation_head", "representing": "israel"},
            {"actor": envoy.pk, "role": "mediator"},
        ],
    }
    response = send(analyst, "post", reverse("api:meeting-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    card = response.json()
    assert card["starts_at"] == "2025-07-06T17:00:00Z" and card["starts_at_local"] == "2025-07-06T20:00:00+03:00"
    assert card["country"]["slug"] == "qatar" and [t["slug"] for t in card["tracks"]] == ["gaza"]
    assert card["proposals"] == [
        {"id": proposal.pk, "slug": "truce-60", "title": proposal.title, "version_label": "", "status": "tabled"}
    ]
    assert card["sticking_points"][0]["status"] == "deadlocked"
    assert {(p["actor"]["slug"], p["role"], (p["representing"] or {}).get("slug")) for p in card["participants"]} == {
        ("qatar", "mediator", None),
        ("dermer", "delegation_head", "israel"),
        ("witkoff", "mediator", None),
    }
    meeting = Meeting.objects.get()
    first_row = meeting.participant_rows.get(actor=negotiator)
    # Replacing participants keeps the rows that stay (by actor) and drops the others.
    url = reverse("api:meeting-detail", args=[meeting.pk])
    update = {"participants": [{"actor": "dermer", "role": "guest"}], "ends_at": "2025-07-06T18:30:00Z"}
    response = send(analyst, "patch", url, update)
    assert response.status_code == status.HTTP_200_OK, response.json()
    assert [(p["actor"]["slug"], p["role"]) for p in response.json()["participants"]] == [("dermer", "guest")]
    assert meeting.participant_rows.get().pk == first_row.pk
    assert response.json()["duration_minutes"] == 90
    assert [t["slug"] for t in response.json()["tracks"]] == ["gaza"]  # absent lists are left alone


def test_a_track_is_written_with_its_actors_and_phases(analyst):
    israel, hamas = f.StateFactory(slug="israel"), f.ActorFactory(slug="hamas")
    f.StateFactory(slug="qatar")
    payload = {
        "name": "Gaza ceasefire",
        "slug": "gaza",
        "actors": [
            {"actor": "israel", "role": "party"},
            {"actor": "hamas", "role": "party"},
            {"actor": "qatar", "role": "mediator"},
        ],
        "phases": [{"sequence": 1, "name": "First phase"}, {"sequence": 2, "name": "Second phase"}],
    }
    response = send(analyst, "post", reverse("api:track-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    track_id = response.json()["id"]
    first = Phase.objects.get(sequence=1)
    update = {
        "actors": [{"actor": israel.pk, "role": "party"}, {"actor": hamas.pk, "role": "party"}],
        "phases": [{"sequence": 1, "name": "First phase", "status": "completed"}, {"sequence": 3, "name": "Third"}],
    }
    response = send(analyst, "patch", reverse("api:track-detail", args=[track_id]), update)
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert {a["actor"]["slug"] for a in body["actors"]} == {"israel", "hamas"}
    assert [(p["sequence"], p["status"]) for p in body["phases"]] == [(1, "completed"), (3, "planned")]
    assert Phase.objects.get(sequence=1).pk == first.pk


def test_a_proposal_is_written_with_terms_and_its_status_follows_its_events(analyst):
    f.TrackFactory(slug="gaza"), f.StateFactory(slug="israel"), f.StateFactory(slug="qatar")
    payload = {
        "track": "gaza",
        "title": "60-day truce",
        "slug": "truce-60",
        "proposer": "israel",
        "channel": ["qatar"],
        "terms": [
            {"key": "truce", "kind": "truce_length", "text": "Sixty days", "quantity": 60, "unit": "days"},
            {
                "key": "hostages",
                "kind": "living_hostages",
                "text": "Ten living hostages",
                "quantity": 10,
                "unit": "people",
            },
        ],
    }
    response = send(analyst, "post", reverse("api:proposal-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    proposal = Proposal.objects.get()
    assert response.json()["status"] == "drafted" and [t["key"] for t in response.json()["terms"]] == [
        "truce",
        "hostages",
    ]
    assert response.json()["terms"][0]["quantity"] == 60
    truce = Term.objects.get(key="truce")
    events = reverse("api:proposal-event-list")
    tabled = {"proposal": "truce-60", "kind": "tabled", "occurred_on": "2025-07-01", "actor": "qatar"}
    assert send(analyst, "post", events, tabled).status_code == status.HTTP_201_CREATED
    rejected = {"proposal": proposal.pk, "kind": "rejected", "occurred_on": "2025-07-04"}
    assert send(analyst, "post", events, rejected).status_code == status.HTTP_201_CREATED
    detail = analyst.get(reverse("api:proposal-detail", args=[proposal.pk])).json()
    assert detail["status"] == "rejected" and detail["status_since"] == "2025-07-04"
    assert [e["kind"] for e in detail["events"]] == ["tabled", "rejected"]
    # Terms sent again replace the proposal's, matched by key.
    update = {"terms": [{"key": "truce", "kind": "truce_length", "text": "Sixty days", "quantity": 45, "unit": "days"}]}
    send(analyst, "patch", reverse("api:proposal-detail", args=[proposal.pk]), update)
    assert list(proposal.terms.values_list("pk", "quantity")) == [(truce.pk, 45)]


def test_a_counter_proposal_and_responses(analyst):
    original = f.ProposalFactory(slug="v1")
    hamas = f.ActorFactory(slug="hamas")
    counter = send(
        analyst,
        "post",
        reverse("api:proposal-list"),
        {
            "track": original.track_id,
            "title": "Counter",
            "slug": "v2",
            "proposer": "hamas",
            "previous_version": "v1",
            "relation": "counters",
        },
    )
    assert counter.status_code == status.HTTP_201_CREATED
    response = send(
        analyst,
        "post",
        reverse("api:response-list"),
        {"proposal": "v1", "actor": "hamas", "kind": "counter", "responded_on": "2025-07-04", "counter_proposal": "v2"},
    )
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    detail = analyst.get(reverse("api:proposal-detail", args=[original.pk])).json()
    assert (
        detail["responses"][0]["counter_proposal"]["slug"] == "v2" and detail["responses"][0]["actor"]["id"] == hamas.pk
    )
    same = {
        "proposal": "v1",
        "actor": "hamas",
        "kind": "counter",
        "responded_on": "2025-07-04",
        "counter_proposal": "v1",
    }
    assert send(analyst, "post", reverse("api:response-list"), same).json() == {
        "counter_proposal": ["A proposal cannot counter itself."]
    }


def test_a_sticking_point_board_follows_status_changes_and_positions(analyst):
    f.TrackFactory(slug="gaza")
    israel, hamas = f.StateFactory(slug="israel"), f.ActorFactory(slug="hamas")
    created = send(
        analyst,
        "post",
        reverse("api:sticking-point-list"),
        {"track": "gaza", "title": "Withdrawal lines", "slug": "withdrawal", "category": "withdrawal"},
    )
    assert created.status_code == status.HTTP_201_CREATED and created.json()["status"] == "open"
    statuses = reverse("api:sticking-point-status-list")
    for changed_on, value in [("2025-07-06", "open"), ("2025-07-10", "narrowing")]:
        payload = {"sticking_point": "withdrawal", "status": value, "changed_on": changed_on}
        assert send(analyst, "post", statuses, payload).status_code == status.HTTP_201_CREATED
    positions = reverse("api:position-list")
    for actor, stance in [("israel", "insists"), ("hamas", "rejects")]:
        payload = {
            "sticking_point": "withdrawal",
            "actor": actor,
            "stated_on": "2025-07-07",
            "stance": stance,
            "summary": "…",
        }
        assert send(analyst, "post", positions, payload).status_code == status.HTTP_201_CREATED
    board = analyst.get(reverse("api:sticking-point-detail", args=[created.json()["id"]])).json()
    assert (board["status"], board["status_since"], board["party_count"]) == ("narrowing", "2025-07-10", 2)
    assert [s["status"] for s in board["status_history"]] == ["open", "narrowing"]
    assert {p["actor"]["id"] for p in board["positions"]} == {israel.pk, hamas.pk}


def test_figures_keep_conflicting_claims(analyst):
    f.StateFactory(slug="israel")
    url = reverse("api:figure-list")
    base = {"metric": "hostages-remaining", "label": "Hostages remaining", "as_of": "2025-07-07"}
    assert send(analyst, "post", url, {**base, "value": 50, "claimed_by": "israel"}).status_code == 201
    assert send(analyst, "post", url, {**base, "value": "49.00", "claimant_name": "A news report"}).status_code == 201
    values = sorted(row["value"] for row in analyst.get(url, {"metric": "hostages-remaining"}).json()["results"])
    assert values == [49, 50]


def test_citations_name_their_record_and_source(client_for):
    editor = client_for("editor")
    meeting = f.MeetingFactory()
    article = f.ArticleFactory()
    url = reverse("api:citation-list")
    payload = {"record_type": "negotiations.meeting", "record_id": meeting.pk, "article": article.pk, "quote": "met"}
    response = send(editor, "post", url, payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    assert response.json()["record_type"] == "negotiations.meeting" and response.json()["article"] == article.pk
    assert Citation.objects.get().record == meeting
    card = editor.get(reverse("api:meeting-detail", args=[meeting.pk])).json()
    assert card["citations"][0]["quote"] == "met"
    missing = {"record_type": "negotiations.meeting", "record_id": 999999, "url": "https://example.org/"}
    assert send(editor, "post", url, missing).json() == {"record_id": ["No meeting with id 999999."]}
    no_source = {"record_type": "negotiations.meeting", "record_id": meeting.pk}
    assert send(editor, "post", url, no_source).json() == {
        "url": ["Give the source: an article, a URL or the publication's title."]
    }
    unknown_kind = {"record_type": "auth.user", "record_id": 1, "url": "https://example.org/"}
    assert send(editor, "post", url, unknown_kind).json() == {"record_type": ['"auth.user" is not a valid choice.']}
    listed = editor.get(url, {"record_type": "negotiations.meeting", "record_id": meeting.pk}).json()
    assert listed["count"] == 1


def test_every_citation_listed_has_a_documented_record_type(client, client_for):
    """The demo cites affiliations, phases, proposal events and status changes too: each of those citations
    is listed with a `record_type` the schema documents, can be filtered on and can be added over the API."""
    call_command("load_demo", stdout=io.StringIO())
    analyst = client_for("analyst")
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    documented = set(schema["components"]["schemas"]["RecordTypeEnum"]["enum"])
    url = reverse("api:citation-list")
    listed = json.loads(b"".join(analyst.get(url, {"format": "json-stream"}).streaming_content))
    kinds = {row["record_type"] for row in listed}
    assert {"actors.affiliation", "negotiations.phase", "negotiations.stickingpointstatus"} <= kinds <= documented
    assert analyst.get(url, {"record_type": "negotiations.phase"}).json()["count"] > 0
    phase = Phase.objects.first()
    payload = {"record_type": "negotiations.phase", "record_id": phase.pk, "url": "https://example.org/phase"}
    response = send(analyst, "post", url, payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    assert response.json()["record_type"] == "negotiations.phase"


def test_deleting_a_record_and_a_protected_one(analyst):
    figure = f.FigureFactory()
    assert analyst.delete(reverse("api:figure-detail", args=[figure.pk])).status_code == status.HTTP_204_NO_CONTENT
    track = f.TrackFactory()
    f.ProposalFactory(track=track)
    response = analyst.delete(reverse("api:track-detail", args=[track.pk]))
    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {
        "detail": "Other records still refer to this one (proposals); change or delete them first."
    }


def test_a_put_needs_every_required_field(analyst):
    meeting = f.MeetingFactory(location="Doha", summary="Talks")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    payload = {"title": "Renamed", "format": "summit", "starts_at": "2025-07-07T22:30:00Z"}
    response = send(analyst, "put", url, payload)
    assert response.status_code == status.HTTP_200_OK
    meeting.refresh_from_db()
    assert (meeting.title, meeting.format, meeting.location) == ("Renamed", "summit", "Doha")
    assert send(analyst, "put", url, {"title": "Only a title"}).json() == {
        "format": ["This field is required."],
        "starts_at": ["This field is required."],
    }
    assert meeting.starts_at == datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def writes_without_a_version(settings):
    """These tests are about what a write does, not about versions: tests/api/test_conditional.py covers If-Match,
    412 and the 428 a write without a version gets by default."""
    settings.API_REQUIRE_WRITE_PRECONDITION = False
