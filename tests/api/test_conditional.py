"""Conditional requests: ETag / Last-Modified and 304 on reads; If-Match (412) and 428 on writes."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from rest_framework import status

from negotiations.api.views import MeetingViewSet
from negotiations.models import Meeting
from tests import factories as f
from tests.api.conftest import send
from tracker.api.conditional import record_claim, record_etag

pytestmark = pytest.mark.django_db


def test_a_detail_carries_validators_and_answers_304_while_unchanged(client_for, count_queries):
    meeting = f.MeetingFactory()
    # Last edited two days ago: Last-Modified must say so, not the time of the request.
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    meeting.refresh_from_db()
    client = client_for("viewer")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    first, queries = count_queries(client, url)
    etag = first["ETag"]
    assert etag == record_etag(meeting) and etag.startswith('"')  # strong: usable in If-Match
    assert first["Last-Modified"] == http_date(meeting.updated_at.timestamp())
    assert first["Cache-Control"] == "private, no-cache"

    with_tag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert with_tag.status_code == status.HTTP_304_NOT_MODIFIED and with_tag.content == b""
    assert with_tag["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304  # weak comparison
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    earlier = http_date((meeting.updated_at - datetime.timedelta(minutes=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == status.HTTP_200_OK

    Meeting.objects.filter(pk=meeting.pk).update(title="Changed", updated_at=timezone.now())
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == status.HTTP_200_OK and changed["ETag"] != etag
    assert changed.json()["title"] == "Changed"


def test_a_list_page_carries_an_etag_that_moves_with_its_rows(client_for, count_queries):
    meetings = f.MeetingFactory.create_batch(3)
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    first, queries = count_queries(client, url)
    etag = first["ETag"]
    assert first.has_header("Last-Modified")
    # The 304 costs what the page costs (the validator comes from the loaded rows), never more.

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == status.HTTP_304_NOT_MODIFIED
    assert len(captured) <= queries
    cursor = client.get(url, {"pagination": "cursor"})
    assert cursor.has_header("ETag") and cursor["ETag"] != etag
    assert client.get(url, {"pagination": "cursor"}, HTTP_IF_NONE_MATCH=cursor["ETag"]).status_code == 304

    Meeting.objects.filter(pk=meetings[0].pk).update(updated_at=timezone.now())
    after_update = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after_update.status_code == status.HTTP_200_OK
    meetings[1].delete()
    after_delete = client.get(url, HTTP_IF_NONE_MATCH=after_update["ETag"])
    assert after_delete.status_code == status.HTTP_200_OK and after_delete.json()["count"] == 2
    f.MeetingFactory()
    assert client.get(url, HTTP_IF_NONE_MATCH=after_delete["ETag"]).status_code == status.HTTP_200_OK


def test_two_analysts_writing_from_the_same_read_the_second_gets_412(client_for, role_users):
    meeting = f.MeetingFactory(title="Doha round")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    first, second = client_for("analyst"), Client()
    second.force_login(role_users["administrator"])
    first_etag = first.get(url)["ETag"]
    second_etag = second.get(url)["ETag"]
    assert first_etag == second_etag

    saved = send(first, "patch", url, {"title": "Doha round, day 2"}, HTTP_IF_MATCH=first_etag)
    assert saved.status_code == status.HTTP_200_OK, saved.json()
    assert saved["ETag"] != first_etag
    refused = send(second, "patch", url, {"title": "Cairo round"}, HTTP_IF_MATCH=second_etag)
    assert refused.status_code == status.HTTP_412_PRECONDITION_FAILED
    assert "changed since you read it" in refused.json()["detail"]
    assert send(second, "put", url, {"title": "Cairo round"}, HTTP_IF_MATCH=second_etag).status_code == 412
    assert second.delete(url, HTTP_IF_MATCH=second_etag).status_code == 412
    meeting.refresh_from_db()
    assert meeting.title == "Doha round, day 2"

    # Read again, then the write goes through; `*` names any version.
    fresh = second.get(url)["ETag"]
    assert send(second, "patch", url, {"title": "Cairo round"}, HTTP_IF_MATCH=fresh).status_code == 200
    assert send(second, "patch", url, {"summary": "x"}, HTTP_IF_MATCH="*").status_code == 200
    assert second.delete(url, HTTP_IF_MATCH=second.get(url)["ETag"]).status_code == status.HTTP_204_NO_CONTENT
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_version_may_come_as_updated_at_in_the_body(client_for):
    meeting = f.MeetingFactory(title="Doha round")
    client = client_for("analyst")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    version = client.get(url).json()["updated_at"]
    saved = send(client, "patch", url, {"title": "Renamed", "updated_at": version})
    assert saved.status_code == status.HTTP_200_OK, saved.json()
    stale = send(client, "patch", url, {"title": "Again", "updated_at": version})
    assert stale.status_code == status.HTTP_412_PRECONDITION_FAILED
    invalid = send(client, "patch", url, {"title": "Again", "updated_at": "soon"})
    assert invalid.status_code == status.HTTP_400_BAD_REQUEST and "updated_at" in invalid.json()
    gone = send(client, "delete", url, {"updated_at": saved.json()["updated_at"]})
    assert gone.status_code == status.HTTP_204_NO_CONTENT


def test_by_default_a_write_naming_no_version_is_a_428(client_for, settings):
    assert settings.API_REQUIRE_WRITE_PRECONDITION is True  # the shipped default, not a test override
    meeting = f.MeetingFactory(title="Doha round")
    article = f.ArticleFactory()
    client = client_for("administrator")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    assert send(client, "patch", url, {"title": "Blind"}).status_code == status.HTTP_428_PRECONDITION_REQUIRED
    assert send(client, "put", url, {"title": "Blind"}).status_code == 428
    assert client.delete(url).status_code == 428
    article_url = reverse("api:article-detail", args=[article.pk])
    assert client.delete(article_url).status_code == 428
    meeting.refresh_from_db()
    assert meeting.title == "Doha round"
    # Permissions and existence are checked first.
    assert send(client_for("viewer"), "patch", url, {"title": "x"}).status_code == status.HTTP_403_FORBIDDEN
    missing = reverse("api:meeting-detail", args=[meeting.pk + 1000])
    assert send(client_for("analyst"), "patch", missing, {"title": "x"}).status_code == status.HTTP_404_NOT_FOUND
    client = client_for("administrator")  # one test client: log the administrator back in
    etag = client.get(article_url)["ETag"]
    assert client.delete(article_url, HTTP_IF_MATCH=etag).status_code == status.HTTP_204_NO_CONTENT


def test_a_write_racing_another_between_its_read_and_its_claim_is_refused(client_for, monkeypatch):
    """The window the conditional UPDATE closes: the view loaded the record (and its If-Match matched
    that copy), then another writer committed before this write claimed the row."""
    meeting = f.MeetingFactory(title="Doha round")
    stale = Meeting.objects.get(pk=meeting.pk)
    Meeting.objects.filter(pk=meeting.pk).update(title="Other analyst", updated_at=timezone.now())
    monkeypatch.setattr(MeetingViewSet, "get_object", lambda self: stale)
    client = client_for("analyst")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    response = send(client, "patch", url, {"title": "Overwrite"}, HTTP_IF_MATCH=record_etag(stale))
    assert response.status_code == status.HTTP_412_PRECONDITION_FAILED
    meeting.refresh_from_db()
    assert meeting.title == "Other analyst"


def test_a_claim_holds_only_the_current_version():
    meeting = f.MeetingFactory()
    current = meeting.updated_at
    assert record_claim(meeting, version=current)
    assert not record_claim(meeting, version=current - datetime.timedelta(microseconds=1))
    meeting.refresh_from_db()
    assert meeting.updated_at == current  # the claim changes nothing


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between real transactions: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writes_of_one_version_never_both_land(role_users, monkeypatch):
    """Two requests in their own transactions, the second arriving while the first holds the row: it
    waits on the row lock, then finds the version changed (412), never overwriting the first."""
    meeting = f.MeetingFactory(title="Doha round")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    etag = record_etag(meeting)
    inside, release = threading.Event(), threading.Event()
    original_write = MeetingViewSet.write

    def slow_write(self, *, instance, data):
        if data.get("title") == "First":
            inside.set()
            release.wait(10)
        return original_write(self, instance=instance, data=data)

    monkeypatch.setattr(MeetingViewSet, "write", slow_write)
    statuses: dict[str, int] = {}

    def patch(title: str, user) -> None:
        client = Client()
        client.force_login(user)
        try:
            statuses[title] = send(client, "patch", url, {"title": title}, HTTP_IF_MATCH=etag).status_code
        finally:
            connections.close_all()

    first = threading.Thread(target=patch, args=("First", role_users["analyst"]))
    second = threading.Thread(target=patch, args=("Second", role_users["administrator"]))
    first.start()
    assert inside.wait(10)
    second.start()
    for _ in range(100):  # until the second request waits on the first one's row lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    else:
        pytest.fail("the second write never waited for the first")
    release.set()
    first.join(10)
    second.join(10)
    assert statuses == {"First": status.HTTP_200_OK, "Second": status.HTTP_412_PRECONDITION_FAILED}
    meeting.refresh_from_db()
    assert meeting.title == "First"


def test_if_match_compares_strong_validators_only(client_for):
    """RFC 9110 §13.1.1: a weak tag never matches an If-Match, even the record's own tag made weak."""
    meeting = f.MeetingFactory()
    client = client_for("analyst")
    url = reverse("api:meeting-detail", args=[meeting.pk])
    etag = client.get(url)["ETag"]
    weak = send(client, "patch", url, {"title": "Weakly"}, HTTP_IF_MATCH=f"W/{etag}")
    assert weak.status_code == status.HTTP_412_PRECONDITION_FAILED
    strong = send(client, "patch", url, {"title": "Strongly"}, HTTP_IF_MATCH=f'"other", {etag}')
    assert strong.status_code == status.HTTP_200_OK and strong.json()["title"] == "Strongly"
    assert not strong["ETag"].startswith("W/")
    anything = send(client, "patch", url, {"title": "Any"}, HTTP_IF_MATCH="*")
    assert anything.status_code == status.HTTP_200_OK
