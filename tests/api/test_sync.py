"""Incremental sync: `updated_since` on every list and the deletions feed, enough for a mirror."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from negotiations.models import Meeting
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db

LISTS = [
    "actor",
    "track",
    "meeting",
    "proposal",
    "proposal-event",
    "response",
    "sticking-point",
    "sticking-point-status",
    "position",
    "figure",
    "citation",
    "feed",
    "article",
]


def iso(instant: datetime.datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def walk(client, url: str, params: dict) -> list[dict]:
    """Every row of a cursor-paginated list, following `next`."""
    rows, response = [], client.get(url, params)
    while True:
        assert response.status_code == status.HTTP_200_OK, response.content
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


@pytest.mark.parametrize("name", LISTS)
def test_every_list_takes_updated_since(client_for, name):
    client = client_for("viewer")
    url = reverse(f"api:{name}-list")
    future = iso(timezone.now() + datetime.timedelta(days=1))
    assert client.get(url, {"updated_since": future}).json()["count"] == 0
    assert client.get(url, {"updated_since": "yesterday"}).status_code == status.HTTP_400_BAD_REQUEST


def test_updated_since_keeps_rows_changed_at_or_after_it(client_for):
    old, changed = f.MeetingFactory.create_batch(2)
    mark = timezone.now()
    Meeting.objects.filter(pk=old.pk).update(updated_at=mark - datetime.timedelta(hours=1))
    Meeting.objects.filter(pk=changed.pk).update(updated_at=mark)
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    assert [row["id"] for row in client.get(url, {"updated_since": iso(mark)}).json()["results"]] == [changed.pk]
    # An unencoded "+" arrives as a space; a naive time is UTC.
    plus = mark.isoformat().replace("+", " ")
    assert [row["id"] for row in client.get(url + f"?updated_since={plus}").json()["results"]] == [changed.pk]
    naive = mark.replace(tzinfo=None).isoformat()
    assert [row["id"] for row in client.get(url, {"updated_since": naive}).json()["results"]] == [changed.pk]


def test_deletions_list_deleted_records_since_an_instant_in_pages(client_for):
    gone_before = f.FigureFactory()
    gone_before_id = gone_before.pk
    gone_before.delete()
    mark = timezone.now()
    figures = f.FigureFactory.create_batch(3)
    figure_ids = [figure.pk for figure in figures]
    meeting = f.MeetingFactory()
    meeting_id = meeting.pk
    kept = f.MeetingFactory()
    for figure in figures:
        figure.delete()
    Meeting.objects.filter(pk=meeting_id).delete()  # a queryset delete is recorded too
    client = client_for("viewer")
    url = reverse("api:deletions")
    rows = walk(client, url, {"since": iso(mark), "page_size": 2})
    assert [(row["type"], row["id"]) for row in rows] == [
        *(("negotiations.figure", pk) for pk in figure_ids),
        ("negotiations.meeting", meeting_id),
    ]
    only = client.get(url, {"since": iso(mark), "type": "negotiations.meeting"}).json()
    assert only == {"next": None, "results": [rows[-1]]}
    assert kept.pk not in {row["id"] for row in only["results"]}
    everything = walk(client, url, {})
    assert ("negotiations.figure", gone_before_id) in {(row["type"], row["id"]) for row in everything}


def test_deletions_are_permission_checked(client_for, django_user_model):
    f.FeedFactory().delete()
    viewer = client_for("viewer")
    url = reverse("api:deletions")
    assert viewer.get(url, {"type": "news.feed"}).json()["results"][0]["type"] == "news.feed"
    assert viewer.get(url, {"type": "no.such"}).status_code == status.HTTP_400_BAD_REQUEST
    assert viewer.get(url, {"cursor": "garbage"}).status_code == status.HTTP_400_BAD_REQUEST
    nobody = django_user_model.objects.create_user("nobody", password="x")
    viewer.force_login(nobody)
    assert viewer.get(url).status_code == status.HTTP_403_FORBIDDEN
    viewer.logout()
    assert viewer.get(url).status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN)


def test_deletions_list_only_the_types_a_user_may_view(client_for, role_users):
    from django.contrib.auth.models import Permission

    f.FigureFactory().delete()
    f.FeedFactory().delete()
    user = role_users["viewer"]
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_figure"))
    client = client_for("viewer")
    url = reverse("api:deletions")
    assert {row["type"] for row in client.get(url).json()["results"]} == {"negotiations.figure"}
    assert client.get(url, {"type": "news.feed"}).status_code == status.HTTP_403_FORBIDDEN


def _mirror_round(client, mirror: dict[int, dict], marks: dict) -> None:
    """One sync round of a mirror of meetings: upsert what changed, drop what was deleted."""
    params = {"pagination": "cursor"}
    if marks.get("updated"):
        params["updated_since"] = marks["updated"]
    for row in walk(client, reverse("api:meeting-list"), params):
        mirror[row["id"]] = row
        marks["updated"] = max(marks.get("updated", ""), row["updated_at"])
    deletion_params = {"type": "negotiations.meeting"}
    if marks.get("deleted"):
        deletion_params["since"] = marks["deleted"]
    for row in walk(client, reverse("api:deletions"), deletion_params):
        mirror.pop(row["id"], None)
        marks["deleted"] = max(marks.get("deleted", ""), row["deleted_at"])


def test_a_mirror_applying_changes_and_deletions_ends_up_equal(client_for):
    meetings = f.MeetingFactory.create_batch(4)
    analyst = client_for("analyst")
    mirror: dict[int, dict] = {}
    marks: dict = {}
    _mirror_round(analyst, mirror, marks)
    assert mirror.keys() == {meeting.pk for meeting in meetings}

    detail = reverse("api:meeting-detail", args=[meetings[0].pk])
    etag = analyst.get(detail)["ETag"]
    assert send(analyst, "patch", detail, {"title": "Renamed"}, HTTP_IF_MATCH=etag).status_code == status.HTTP_200_OK
    Meeting.objects.get(pk=meetings[1].pk).delete()
    added = f.MeetingFactory()
    _mirror_round(analyst, mirror, marks)

    server = {row["id"]: row for row in walk(analyst, reverse("api:meeting-list"), {"pagination": "cursor"})}
    assert mirror == server
    assert mirror[meetings[0].pk]["title"] == "Renamed"
    assert meetings[1].pk not in mirror and added.pk in mirror
