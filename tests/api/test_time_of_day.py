"""A meeting whose time of day was not reported carries its day and `time_known: false` — never a
made-up hour, in the API, the pairs dashboard or the calendar."""

import datetime

import pytest
from django.urls import reverse
from rest_framework import status

from negotiations.models import Meeting
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_for):
    return client_for("analyst")


def test_a_meeting_with_only_its_day_is_written_and_read_as_a_day(analyst):
    body = {
        "title": "Doha round",
        "format": "indirect",
        "time_zone": "Asia/Qatar",
        "time_known": False,
        "starts_on": "2025-07-06",
        "ends_on": "2025-07-08",
    }
    created = send(analyst, "post", reverse("api:meeting-list"), body)
    assert created.status_code == status.HTTP_201_CREATED, created.content
    meeting = created.json()
    assert (meeting["starts_on"], meeting["ends_on"], meeting["time_known"]) == ("2025-07-06", "2025-07-08", False)
    assert meeting["starts_at"] is None and meeting["ends_at"] is None
    assert meeting["starts_at_local"] is None and meeting["ends_at_local"] is None
    assert meeting["duration_minutes"] is None
    assert "12:00" not in created.content.decode()
    listed = analyst.get(reverse("api:meeting-list"), {"date_from": "2025-07-06", "date_to": "2025-07-06"})
    assert [row["id"] for row in listed.json()["results"]] == [meeting["id"]]


def test_a_time_given_with_time_known_false_keeps_only_its_day(analyst):
    body = {"title": "Call", "format": "phone_call", "time_zone": "America/New_York", "time_known": False}
    created = send(analyst, "post", reverse("api:meeting-list"), {**body, "starts_at": "2025-07-07T23:30:00"})
    assert created.json()["starts_on"] == "2025-07-07" and created.json()["starts_at"] is None


def test_a_known_time_is_shown_with_its_day(analyst):
    body = {"title": "Dinner", "format": "working_dinner", "time_zone": "America/New_York"}
    created = send(analyst, "post", reverse("api:meeting-list"), {**body, "starts_at": "2025-07-07T18:30:00"})
    meeting = created.json()
    assert (meeting["starts_on"], meeting["time_known"]) == ("2025-07-07", True)
    assert meeting["starts_at"] == "2025-07-07T22:30:00Z"
    assert meeting["starts_at_local"] == "2025-07-07T18:30:00-04:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2025-07-06"}, "starts_on"),  # a day alone needs time_known false
        ({"time_known": False}, "starts_at"),  # no start at all
        ({"time_known": False, "starts_on": "2025-07-06", "starts_at": "2025-07-06T10:00:00"}, "starts_on"),
    ],
)
def test_a_start_must_be_a_time_or_a_day_not_both_nor_neither(analyst, body, field):
    base = {"title": "X", "format": "summit", "time_zone": "UTC"}
    response = send(analyst, "post", reverse("api:meeting-list"), {**base, **body})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == [field]


def test_a_time_becoming_known_must_be_given(analyst):
    meeting = f.MeetingFactory(time_known=False)
    url = reverse("api:meeting-detail", args=[meeting.pk])
    etag = analyst.get(url)["ETag"]
    response = send(analyst, "patch", url, {"time_known": True}, HTTP_IF_MATCH=etag)
    assert response.status_code == status.HTTP_400_BAD_REQUEST and list(response.json()) == ["starts_at"]


def test_meeting_pairs_give_days(client_for):
    a, b = f.ActorFactory(), f.ActorFactory()
    meeting = f.MeetingFactory(starts_at=datetime.datetime(2025, 7, 6, 12, tzinfo=datetime.UTC), time_known=False)
    for actor in (a, b):
        f.ParticipantFactory(meeting=meeting, actor=actor)
    (pair,) = client_for("viewer").get(reverse("api:meeting-pairs")).json()
    assert (pair["first_met"], pair["last_met"]) == ("2025-07-06", "2025-07-06")
    assert Meeting.objects.count() == 1
