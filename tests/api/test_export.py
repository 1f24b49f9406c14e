"""Export: every filtered row of a list, unpaginated, streamed as CSV or JSON in bounded memory."""

import csv
import io
import json
import math
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import status

from negotiations.models import Meeting
from tests import factories as f
from tracker.api.export import EXPORT_CHUNK_SIZE

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


def body(response) -> str:
    assert response.status_code == status.HTTP_200_OK
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def bulk_meetings(count: int) -> None:
    template = f.MeetingFactory.build()
    Meeting.objects.bulk_create(
        Meeting(title=f"Meeting {index}", format=template.format, starts_at=template.starts_at, time_zone="UTC")
        for index in range(count)
    )


@pytest.mark.parametrize("name", LISTS)
def test_every_list_exports_as_csv_and_json(client_for, name):
    client = client_for("viewer")
    url = reverse(f"api:{name}-list")
    listed = client.get(url).json()
    as_csv = list(csv.DictReader(io.StringIO(body(client.get(url, {"format": "csv"})))))
    as_json = json.loads(body(client.get(url, {"format": "json-stream"})))
    assert len(as_csv) == len(as_json) == listed["count"]


def test_a_meeting_export_flattens_nested_fields_and_honours_filters(client_for):
    israel = f.StateFactory(name="Israel", slug="israel")
    track = f.TrackFactory(name="Gaza ceasefire")
    doha = f.MeetingFactory(title="Doha round", country=israel, format="multilateral")
    doha.tracks.set([track])
    f.ParticipantFactory(meeting=doha, actor=f.ActorFactory(name="Steve Witkoff"))
    f.ParticipantFactory(meeting=doha, actor=f.ActorFactory(name="Khalil al-Hayya"))
    f.MeetingFactory(title="Cairo round", format="bilateral")
    client = client_for("viewer")
    url = reverse("api:meeting-list")

    response = client.get(url, {"format": "csv", "track": track.slug})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meeting.csv"'
    (row,) = csv.DictReader(io.StringIO(body(response)))
    assert row["title"] == "Doha round"
    assert (row["country.slug"], row["country.name"]) == ("israel", "Israel")
    assert row["tracks"] == "Gaza ceasefire"
    assert sorted(row["participants"].split("; ")) == ["Khalil al-Hayya", "Steve Witkoff"]
    assert row["closed_door"] in ("true", "false")

    by_accept = client.get(url, {"format": "json-stream", "ordering": "title"})
    assert [meeting["title"] for meeting in json.loads(body(by_accept))] == ["Cairo round", "Doha round"]
    accepted = client.get(url, HTTP_ACCEPT="text/csv")
    assert accepted["Content-Type"].startswith("text/csv") and len(body(accepted).splitlines()) == 3
    # `format` that names no output format is still the meetings' own filter.
    assert [m["title"] for m in client.get(url, {"format": "bilateral"}).json()["results"]] == ["Cairo round"]
    bad = client.get(url, {"format": "csv", "ordering": "nope"})
    assert bad.status_code == status.HTTP_400_BAD_REQUEST and "ordering" in bad.json()
    # There is no page: no `count`, `next` or `page` in an export.
    bulk_meetings(60)
    assert len(json.loads(body(client.get(url, {"format": "json-stream", "page_size": 5})))) == 62


def _export_cost(client, url: str) -> tuple[int, int]:
    """(queries, peak bytes allocated) of streaming a whole export, keeping none of it."""
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"format": "csv"})
        size = sum(len(chunk) for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert size > 0
    return len(queries), peak


def test_export_memory_does_not_grow_with_rows_and_queries_grow_only_per_chunk(client_for):
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    bulk_meetings(200)
    _export_cost(client, url)  # warm caches (content types, imports) before measuring
    queries_small, peak_small = _export_cost(client, url)
    bulk_meetings(1800)
    queries_large, peak_large = _export_cost(client, url)

    # The meetings are one query read a chunk at a time (fetchmany, or a server-side cursor on
    # PostgreSQL); per chunk of EXPORT_CHUNK_SIZE meetings their tracks, participants, proposals,
    # sticking points and citations are prefetched: 5 queries a chunk, never one per row. The 6 of the
    # request (session, user, savepoints, permissions) + 1 + 5 a chunk.
    chunks_small, chunks_large = math.ceil(200 / EXPORT_CHUNK_SIZE), math.ceil(2000 / EXPORT_CHUNK_SIZE)
    assert queries_small == 6 + 1 + 5 * chunks_small
    assert queries_large == 6 + 1 + 5 * chunks_large
    # Ten times the rows: memory bounded by one chunk, not by the export.
    assert peak_large < 2 * peak_small, (peak_small, peak_large)
