"""A record's version moves when a row shown inside it changes (tracker/api/freshness.py), so pollers
and mirrors see it: a new ETag, and the record back in `?updated_since=`."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from negotiations import services
from negotiations.models import Meeting, Proposal
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_for):
    return client_for("analyst")


def version(record) -> object:
    return type(record).objects.values_list("updated_at", flat=True).get(pk=record.pk)


def moved(record, action) -> bool:
    before = version(record)
    time.sleep(0.002)  # a later microsecond, whatever the clock's resolution
    action()
    return version(record) > before


def test_a_new_response_gives_its_proposal_a_new_etag_and_a_place_in_updated_since(analyst):
    proposal = f.ProposalFactory(slug="v1")
    hamas = f.ActorFactory(slug="hamas")
    url = reverse("api:proposal-detail", args=[proposal.pk])
    first = analyst.get(url)
    since = timezone.now().isoformat()
    payload = {"proposal": "v1", "actor": "hamas", "kind": "accept", "responded_on": "2025-07-04"}
    assert send(analyst, "post", reverse("api:response-list"), payload).status_code == status.HTTP_201_CREATED

    again = analyst.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == status.HTTP_200_OK  # not a stale 304
    assert [row["actor"]["id"] for row in again.json()["responses"]] == [hamas.pk]
    changed = analyst.get(reverse("api:proposal-list"), {"updated_since": since}).json()
    assert [row["id"] for row in changed["results"]] == [proposal.pk]


def test_every_kind_of_shown_row_moves_its_records():
    meeting, proposal, point = f.MeetingFactory(), f.ProposalFactory(), f.StickingPointFactory()
    meeting.proposals.add(proposal)
    meeting.sticking_points.add(point)
    actor, track = f.ActorFactory(), f.TrackFactory()

    assert moved(actor, lambda: f.AliasFactory(actor=actor))
    assert moved(track, lambda: f.PhaseFactory(track=track))
    assert moved(meeting, lambda: f.ParticipantFactory(meeting=meeting))
    assert moved(meeting, lambda: meeting.tracks.add(track))
    assert moved(meeting, lambda: track.meetings.remove(meeting))  # from the other side too
    term = f.TermFactory(proposal=proposal)
    assert moved(proposal, lambda: f.DeliveryFactory(term=term))
    assert moved(proposal, lambda: term.delete())
    assert moved(proposal, lambda: proposal.channel.add(actor))
    assert moved(point, lambda: f.PositionFactory(sticking_point=point))
    assert moved(point, lambda: services.citation_add(record=point, url="https://example.org/a"))
    # A new event changes the status a meeting shows for the proposal on its table.
    assert moved(meeting, lambda: services.proposal_record_event(proposal=proposal, kind="tabled"))
    assert moved(meeting, lambda: services.sticking_point_set_status(sticking_point=point, status="resolved"))
    unrelated = f.MeetingFactory()
    assert not moved(unrelated, lambda: f.ParticipantFactory(meeting=meeting))


def test_a_write_with_nested_rows_answers_the_etag_a_read_gives(analyst):
    f.TrackFactory(slug="gaza")
    f.ActorFactory(slug="egypt")
    payload = {
        "track": "gaza",
        "title": "Egyptian framework",
        "slug": "egypt-framework",
        "proposer": "egypt",
        "terms": [{"key": "truce", "kind": "truce_length", "text": "Sixty days", "quantity": 60, "unit": "days"}],
    }
    created = send(analyst, "post", reverse("api:proposal-list"), payload)
    assert created.status_code == status.HTTP_201_CREATED, created.json()
    url = reverse("api:proposal-detail", args=[created.json()["id"]])
    assert created["ETag"] == analyst.get(url)["ETag"]
    update = {
        "terms": [{"key": "truce", "kind": "truce_length", "text": "Forty-five days", "quantity": 45, "unit": "days"}]
    }
    updated = send(analyst, "patch", url, update, HTTP_IF_MATCH=created["ETag"])
    assert updated.status_code == status.HTTP_200_OK, updated.json()
    assert updated["ETag"] == analyst.get(url)["ETag"] != created["ETag"]
    # and that ETag is the one the next write must name
    assert send(analyst, "patch", url, {"summary": "x"}, HTTP_IF_MATCH=updated["ETag"]).status_code == 200
    assert Proposal.objects.get(slug="egypt-framework").summary == "x"
    assert Meeting.objects.count() == 0
