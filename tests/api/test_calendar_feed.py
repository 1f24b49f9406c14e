"""A per-user secret calendar address that calendar apps subscribe to without an Authorization header:
shown on the user's page and over the API, revocable, with a configurable window of past meetings. The
feed is read with the icalendar package, as a calendar client parses it."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from negotiations.models import CalendarFeed
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    now = timezone.now()
    return {
        "long ago": f.MeetingFactory(title="Long ago", status="held", starts_at=now - datetime.timedelta(days=40)),
        "last week": f.MeetingFactory(title="Last week", status="held", starts_at=now - datetime.timedelta(days=7)),
        "next week": f.MeetingFactory(
            title="Next week", status="scheduled", starts_at=now + datetime.timedelta(days=7)
        ),
        "called off": f.MeetingFactory(
            title="Called off", status="cancelled", starts_at=now + datetime.timedelta(days=3)
        ),
    }


def issue(client) -> str:
    response = send(client, "post", reverse("api:my-calendar"))
    assert response.status_code == status.HTTP_201_CREATED, response.content
    return response.json()["url"]


def subscribe(url: str, **params) -> icalendar.Calendar:
    """What a calendar app does: a plain GET, no credentials, no Authorization header."""
    response = Client().get(url, params)
    assert response.status_code == status.HTTP_200_OK, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def titles(calendar: icalendar.Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_the_address_is_issued_over_the_api_and_subscribed_to_without_a_header(client_for, meetings):
    viewer = client_for("viewer")
    url = issue(viewer)
    assert url.startswith("http://testserver/api/v1/calendar/") and url.endswith("/meetings.ics")
    assert viewer.get(reverse("api:my-calendar")).json()["url"] == url
    calendar = subscribe(url)
    assert str(calendar["X-WR-CALNAME"]).startswith("Meetings")
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    # Past meetings within CALENDAR_PAST_DAYS (30) stay; a cancelled one is there, marked cancelled.
    assert titles(calendar) == ["Last week", "Called off", "Next week"]
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert statuses == {"Last week": "CONFIRMED", "Called off": "CANCELLED", "Next week": "CONFIRMED"}
    uid = {str(e["SUMMARY"]): str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uid["Next week"] == f"meeting-{meetings['next week'].pk}@ceasefire-tracker"


def test_the_window_of_past_meetings_is_configurable(client_for, meetings, settings):
    url = issue(client_for("viewer"))
    settings.CALENDAR_PAST_DAYS = 60
    assert titles(subscribe(url)) == ["Long ago", "Last week", "Called off", "Next week"]
    assert titles(subscribe(url, past_days=0)) == ["Called off", "Next week"]
    bad = Client().get(url, {"past_days": "400"})
    assert bad.status_code == status.HTTP_400_BAD_REQUEST and list(bad.json()) == ["past_days"]
    assert Client().get(url, {"colour": "red"}).status_code == status.HTTP_400_BAD_REQUEST


def test_a_new_address_replaces_the_old_and_a_revoked_one_answers_nothing(client_for, meetings):
    viewer = client_for("viewer")
    first = issue(viewer)
    second = issue(viewer)
    assert first != second
    assert Client().get(first).status_code == status.HTTP_404_NOT_FOUND
    subscribe(second)
    assert send(viewer, "delete", reverse("api:my-calendar")).status_code == status.HTTP_204_NO_CONTENT
    assert Client().get(second).status_code == status.HTTP_404_NOT_FOUND
    assert viewer.get(reverse("api:my-calendar")).status_code == status.HTTP_404_NOT_FOUND
    assert send(viewer, "delete", reverse("api:my-calendar")).status_code == status.HTTP_404_NOT_FOUND
    assert Client().get(reverse("api:calendar-feed", args=["guessed-key"])).status_code == 404


def test_the_address_stops_working_when_its_user_may_no_longer_read(client_for, role_users, meetings):
    url = issue(client_for("viewer"))
    user = role_users["viewer"]
    user.is_active = False
    user.save()
    assert Client().get(url).status_code == status.HTTP_404_NOT_FOUND
    user.is_active = True
    user.save()
    user.groups.clear()
    assert Client().get(url).status_code == status.HTTP_404_NOT_FOUND


def test_a_user_without_a_role_gets_no_address(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert send(client, "post", reverse("api:my-calendar")).status_code == status.HTTP_403_FORBIDDEN
    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("calendar-page")).status_code == status.HTTP_403_FORBIDDEN


def test_the_users_page_shows_issues_and_revokes_the_address(client_for, meetings):
    viewer = client_for("viewer")
    page = viewer.get(reverse("calendar-page"))
    assert page.status_code == status.HTTP_200_OK and "You have no calendar address yet" in page.content.decode()
    viewer.post(reverse("calendar-page"), {"action": "issue"})
    feed = CalendarFeed.objects.get()
    shown = viewer.get(reverse("calendar-page")).content.decode()
    url = f"http://testserver/api/v1/calendar/{feed.key}/meetings.ics"
    assert f'value="{url}"' in shown
    assert viewer.get(reverse("api:my-calendar")).json()["url"] == url  # the same address over the API
    subscribe(url)
    viewer.post(reverse("calendar-page"), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()
    assert Client().get(url).status_code == status.HTTP_404_NOT_FOUND


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("calendar-page"))
    assert response.status_code == status.HTTP_302_FOUND and response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("size", [2, 6])
def test_the_feed_costs_a_fixed_number_of_queries(client_for, count_queries, size):
    url = issue(client_for("viewer"))
    for n in range(size):
        meeting = f.MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=n))
        f.ParticipantFactory(meeting=meeting)
    # The address and its user (joined), the user's permissions and its groups' permissions, the
    # meetings, their participants (actor joined); the savepoint pair of ATOMIC_REQUESTS.
    response, queries = count_queries(Client(), url)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == size
    assert queries == 1 + 2 + 2 + 2


def test_the_users_page_costs_a_fixed_number_of_queries(client_for, count_queries):
    viewer = client_for("viewer")
    issue(viewer)
    # The session, the user, the savepoint pair of ATOMIC_REQUESTS, the user's and its groups' permissions,
    # the calendar address.
    _, queries = count_queries(viewer, reverse("calendar-page"))
    assert queries == 7
