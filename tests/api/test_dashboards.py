"""Dashboard endpoints: the timeline, the board and proposal states as of a day, the version comparison,
meeting pairs and the upcoming-meetings calendar — content, filters, bad parameters, roles, query counts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework import status

from negotiations import demo
from negotiations.models import StickingPoint
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DAY = datetime.date(2025, 7, 1)
ENDPOINTS = [
    "api:timeline",
    "api:sticking-point-board",
    "api:proposal-states",
    "api:meeting-pairs",
    "api:upcoming-calendar",
]


def day(n: int) -> datetime.date:
    """Day n of a made-up month of talks (day 1 is 1 July 2025)."""
    return DAY + datetime.timedelta(days=n - 1)


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


# Timeline -----------------------------------------------------------------------------------------


@pytest.fixture
def talks():
    """Two tracks; on track one: a meeting, a proposal tabled and answered, a sticking point and a position."""
    one, two = f.TrackFactory(slug="gaza"), f.TrackFactory(slug="lebanon")
    a, b = f.ActorFactory(slug="mediator"), f.ActorFactory(slug="party")
    meeting = f.MeetingFactory(title="Doha round", starts_at=datetime.datetime(2025, 7, 3, 9, tzinfo=UTC))
    meeting.tracks.set([one])
    f.ParticipantFactory(meeting=meeting, actor=a)
    f.ParticipantFactory(meeting=meeting, actor=b)
    proposal = f.ProposalFactory(track=one, title="Framework", proposer=a)
    event = f.ProposalEventFactory(proposal=proposal, occurred_on=day(2), actor=a)
    response = f.ResponseFactory(proposal=proposal, actor=b, responded_on=day(4))
    point = f.StickingPointFactory(track=one, title="Withdrawal lines")
    change = f.StatusChangeFactory(sticking_point=point, changed_on=day(5))
    position = f.PositionFactory(sticking_point=point, actor=b, stated_on=day(6))
    other = f.StickingPointFactory(track=two)
    f.StatusChangeFactory(sticking_point=other, changed_on=day(5))
    return {
        "tracks": (one, two),
        "actors": (a, b),
        "records": [("proposal_event", event), ("meeting", meeting), ("response", response)]
        + [("status_change", change), ("position", position)],
    }


def test_the_timeline_merges_every_kind_of_record_in_date_order(viewer, talks):
    response = viewer.get(reverse("api:timeline"), {"track": "gaza"})
    assert response.status_code == status.HTTP_200_OK
    entries = response.json()
    assert [(e["kind"], e["record"]["id"]) for e in entries] == [(k, r.pk) for k, r in talks["records"]]
    assert [e["date"] for e in entries] == ["2025-07-02", "2025-07-03", "2025-07-04", "2025-07-05", "2025-07-06"]
    meeting = entries[1]
    assert meeting["title"] == "Doha round"
    assert sorted(meeting["actor_ids"]) == sorted(actor.pk for actor in talks["actors"])
    # Labels a chart needs: each entry names its actors.
    assert sorted((a["id"], a["name"], a["slug"]) for a in meeting["actors"]) == sorted(
        (actor.pk, actor.name, actor.slug) for actor in talks["actors"]
    )
    for entry in entries:
        assert [a["id"] for a in entry["actors"]] == entry["actor_ids"]
    assert entries[2]["actors"] and entries[2]["actors"][0]["name"]  # the responder
    assert meeting["record"] == {
        "type": "meeting",
        "id": talks["records"][1][1].pk,
        "url": f"http://testserver/api/v1/meetings/{talks['records'][1][1].pk}/",
    }
    assert viewer.get(meeting["record"]["url"]).status_code == status.HTTP_200_OK


def test_the_timeline_filters_by_period_actor_track_and_limit(viewer, talks):
    url = reverse("api:timeline")
    one, two = talks["tracks"]
    kinds = lambda params: [e["kind"] for e in viewer.get(url, params).json()]  # noqa: E731
    assert kinds({"track": one.slug, "date_from": "2025-07-03", "date_to": "2025-07-04"}) == ["meeting", "response"]
    assert kinds({"track": str(two.pk)}) == ["status_change"]
    assert kinds({"track": one.slug, "actor": "party"}) == ["meeting", "response", "status_change", "position"]
    assert kinds({"actor": "mediator"}) == ["proposal_event", "meeting"]
    assert kinds({"track": one.slug, "limit": 2}) == ["proposal_event", "meeting"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2025-13-01"}, "date_from"),
        ({"date_from": "2025-07-05", "date_to": "2025-07-01"}, "date_to"),
        ({"track": "no-such-track"}, "track"),
        ({"actor": "999999"}, "actor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_the_timeline_names_a_bad_parameter(viewer, params, field):
    response = viewer.get(reverse("api:timeline"), params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == [field]


# The board and proposal states, as of a day ----------------------------------------------------------


@pytest.fixture
def history():
    """A sticking point open on day 7 and narrowing on day 12, with a party that softens on day 10; a
    proposal tabled on day 7 and accepted in principle on day 12."""
    track = f.TrackFactory(slug="gaza")
    point = f.StickingPointFactory(track=track, title="Withdrawal lines", slug="withdrawal-lines")
    f.StatusChangeFactory(sticking_point=point, status="open", changed_on=day(7))
    f.StatusChangeFactory(sticking_point=point, status="narrowing", changed_on=day(12))
    israel, hamas = f.ActorFactory(name="Israel", slug="israel"), f.ActorFactory(name="Hamas", slug="hamas")
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=day(7), stance="insists", summary="Stays put.")
    f.PositionFactory(
        sticking_point=point, actor=israel, stated_on=day(10), stance="open_to_compromise", channel="leaked"
    )
    f.PositionFactory(sticking_point=point, actor=hamas, stated_on=day(9), stance="rejects", confidence="low")
    f.StickingPointFactory(track=f.TrackFactory(), title="Elsewhere")
    proposal = f.ProposalFactory(track=track, title="Framework", slug="framework")
    f.ProposalEventFactory(proposal=proposal, kind="tabled", occurred_on=day(7))
    f.ProposalEventFactory(proposal=proposal, kind="violated", occurred_on=day(9))
    f.ProposalEventFactory(proposal=proposal, kind="accepted_in_principle", occurred_on=day(12))
    f.ProposalFactory(title="Other track")
    return point, proposal


def test_the_board_answers_as_the_record_stood_on_a_past_day(viewer, history):
    point, _ = history
    url = reverse("api:sticking-point-board")
    (row,) = viewer.get(url, {"track": "gaza", "as_of": day(8).isoformat()}).json()
    assert (row["id"], row["slug"], row["track"]["slug"]) == (point.pk, "withdrawal-lines", "gaza")
    assert (row["status"], row["status_since"], row["party_count"]) == ("open", "2025-07-07", 1)
    assert [(p["actor"]["slug"], p["stance"], p["summary"]) for p in row["positions"]] == [
        ("israel", "insists", "Stays put.")
    ]
    (row,) = viewer.get(url, {"track": "gaza", "as_of": day(11).isoformat()}).json()
    assert row["status"] == "open" and row["party_count"] == 2
    assert [
        (p["actor"]["name"], p["stance"], p["stated_on"], p["channel"], p["confidence"]) for p in row["positions"]
    ] == [
        ("Hamas", "rejects", "2025-07-09", "on_record", "low"),
        ("Israel", "open_to_compromise", "2025-07-10", "leaked", "medium"),
    ]
    (row,) = viewer.get(url, {"track": "gaza"}).json()
    assert (row["status"], row["status_since"]) == ("narrowing", "2025-07-12")
    # Before its first status change or position the point did not exist: absent, not a null status.
    assert viewer.get(url, {"track": "gaza", "as_of": day(6).isoformat()}).json() == []
    assert len(viewer.get(url).json()) == 2


def test_proposal_states_answer_as_the_record_stood_on_a_past_day(viewer, history):
    _, proposal = history
    url = reverse("api:proposal-states")
    (row,) = viewer.get(url, {"track": "gaza", "as_of": day(8).isoformat()}).json()
    assert row == {
        "id": proposal.pk,
        "slug": "framework",
        "title": "Framework",
        "version_label": "",
        "track_id": proposal.track_id,
        "track": {"id": proposal.track_id, "slug": "gaza", "name": proposal.track.name},
        "proposer": {
            "id": proposal.proposer_id,
            "slug": proposal.proposer.slug,
            "name": proposal.proposer.name,
            "kind": proposal.proposer.kind,
        },
        "status": "tabled",
        "status_since": "2025-07-07",
        "violations": 0,
    }
    (row,) = viewer.get(url, {"track": "gaza", "as_of": day(10).isoformat()}).json()
    assert (row["status"], row["violations"]) == ("tabled", 1)
    (row,) = viewer.get(url, {"track": str(proposal.track_id)}).json()
    assert (row["status"], row["status_since"]) == ("accepted_in_principle", "2025-07-12")
    # Before its first event the proposal did not exist: absent, not "drafted".
    assert viewer.get(url, {"track": "gaza", "as_of": day(6).isoformat()}).json() == []
    assert len(viewer.get(url).json()) == 2


@pytest.mark.parametrize("name", ["api:sticking-point-board", "api:proposal-states"])
@pytest.mark.parametrize(
    ("params", "field"),
    [({"as_of": "2025-02-30"}, "as_of"), ({"as_of": "yesterday"}, "as_of"), ({"track": "nowhere"}, "track")],
)
def test_state_endpoints_name_a_bad_parameter(viewer, name, params, field):
    response = viewer.get(reverse(name), params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == [field]


def test_as_of_is_documented_on_the_state_endpoints(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/boards/sticking-points/", "/api/v1/boards/proposals/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["as_of"]["schema"] == {"type": "string", "format": "date"}
        assert "as it stood" in parameters["as_of"]["description"]
    for path in ("/api/v1/timeline/", "/api/v1/meeting-pairs/", "/api/v1/proposal-comparison/"):
        assert "get" in schema["paths"][path], path
    assert "text/calendar" in schema["paths"]["/api/v1/calendar/upcoming.ics"]["get"]["responses"]["200"]["content"]


# Proposal comparison ------------------------------------------------------------------------------


def test_two_proposal_versions_compared_term_by_term(viewer):
    first = f.ProposalFactory(slug="framework-v1")
    f.TermFactory(proposal=first, key="truce-length", quantity=Decimal(60), unit="days", position=1)
    f.TermFactory(proposal=first, key="hostages", kind="living_hostages", quantity=Decimal(10), unit="people")
    f.TermFactory(proposal=first, key="aid", kind="aid_channel", quantity=None, unit="", text="Through the GHF.")
    second = f.ProposalFactory(track=first.track, previous_version=first, relation="counters", slug="framework-v2")
    f.TermFactory(proposal=second, key="truce-length", quantity=Decimal(60), unit="days", position=1)
    f.TermFactory(
        proposal=second, key="hostages", kind="living_hostages", quantity=Decimal(8), unit="people", position=2
    )
    f.TermFactory(
        proposal=second, key="guarantee", kind="guarantee", quantity=None, unit="", text="US guarantee.", position=3
    )
    response = viewer.get(reverse("api:proposal-comparison"), {"before": "framework-v1", "after": str(second.pk)})
    assert response.status_code == status.HTTP_200_OK
    rows = response.json()
    assert [(r["key"], r["kind"], r["change"]) for r in rows] == [
        ("truce-length", "truce_length", "same"),
        ("hostages", "living_hostages", "changed"),
        ("guarantee", "guarantee", "added"),
        ("aid", "aid_channel", "removed"),
    ]
    hostages = rows[1]
    assert hostages["before"] == {
        "text": "A truce of sixty days.",
        "quantity": 10.0,
        "unit": "people",
        "quantity_is_open": False,
    }
    assert hostages["after"]["quantity"] == 8.0
    assert rows[2]["before"] is None and rows[2]["after"]["text"] == "US guarantee."
    assert rows[3]["after"] is None and rows[3]["before"]["quantity"] is None


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"before": "no-such", "after": "framework"}, ["before"]),
        ({"before": "framework", "after": "987654"}, ["after"]),
        ({"before": "framework"}, ["after"]),
        ({}, ["before", "after"]),
    ],
)
def test_the_comparison_names_an_unknown_or_missing_version(viewer, params, fields):
    f.ProposalFactory(slug="framework")
    response = viewer.get(reverse("api:proposal-comparison"), params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert sorted(response.json()) == sorted(fields)


# Meeting pairs ------------------------------------------------------------------------------------


def test_the_demo_shows_six_trump_netanyahu_meetings_within_a_year(viewer):
    demo.load()
    response = viewer.get(
        reverse("api:meeting-pairs"), {"date_from": "2024-12-30", "date_to": "2025-12-30", "actor": "donald-trump"}
    )
    assert response.status_code == status.HTTP_200_OK
    top = response.json()[0]
    assert {actor["slug"] for actor in top["actors"]} == {"donald-trump", "benjamin-netanyahu"}
    assert top["meetings"] == 6
    assert top["first_met"].startswith("2025-02-04") and top["last_met"].startswith("2025-12-29")
    assert all("donald-trump" in {a["slug"] for a in pair["actors"]} for pair in response.json())


def test_meeting_pairs_filter_by_period_track_and_actor(viewer):
    a, b, c = (f.ActorFactory(name=name, slug=name.lower()) for name in ("A", "B", "C"))
    gaza = f.TrackFactory(slug="gaza")
    for n, (people, status_) in enumerate([((a, b), "held"), ((a, b), "cancelled"), ((a, b, c), "scheduled")]):
        meeting = f.MeetingFactory(status=status_, starts_at=datetime.datetime(2025, 7, 1 + n, 23, 30, tzinfo=UTC))
        for actor in people:
            f.ParticipantFactory(meeting=meeting, actor=actor)
        if n == 2:
            meeting.tracks.set([gaza])
    url = reverse("api:meeting-pairs")
    counts = lambda params: {  # noqa: E731
        tuple(x["slug"] for x in pair["actors"]): pair["meetings"] for pair in viewer.get(url, params).json()
    }
    assert counts({}) == {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1}
    # date_to takes in the whole day (the meeting of 3 July starts at 23:30 UTC).
    assert counts({"date_to": "2025-07-03", "actor": "c"}) == {("a", "c"): 1, ("b", "c"): 1}
    assert counts({"date_to": "2025-07-02"}) == {("a", "b"): 1}
    assert counts({"date_from": "2025-07-02", "track": "gaza"}) == {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1}
    bad = viewer.get(url, {"date_to": "30/12/2025"})
    assert bad.status_code == status.HTTP_400_BAD_REQUEST and list(bad.json()) == ["date_to"]


# Calendar -----------------------------------------------------------------------------------------


@pytest.fixture
def upcoming():
    now = timezone.now()
    soon = f.MeetingFactory(
        title="Cairo talks",
        status="scheduled",
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=2),
        location="Cairo",
        summary="Second phase.",
        time_zone="Africa/Cairo",
    )
    f.ParticipantFactory(meeting=soon, actor=f.ActorFactory(name="Steve Witkoff"))
    day_only = f.MeetingFactory(
        title="Sharm summit", status="scheduled", starts_at=now + datetime.timedelta(days=10), time_known=False
    )
    f.MeetingFactory(title="Past", status="scheduled", starts_at=now - datetime.timedelta(days=2))
    f.MeetingFactory(title="Called off", status="cancelled", starts_at=now + datetime.timedelta(days=4))
    return soon, day_only


def parse(response) -> list:
    assert response.status_code == status.HTTP_200_OK, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_the_calendar_lists_scheduled_meetings_from_today(viewer, upcoming):
    soon, day_only = upcoming
    events = parse(viewer.get(reverse("api:upcoming-calendar")))
    assert [str(e["SUMMARY"]) for e in events] == ["Cairo talks", "Sharm summit"]
    timed, all_day = events
    assert str(timed["UID"]) == f"meeting-{soon.pk}@ceasefire-tracker"
    assert timed.decoded("DTSTART") == soon.starts_at.replace(microsecond=0)
    assert timed.decoded("DTEND") == soon.ends_at.replace(microsecond=0)
    assert timed.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert str(timed["LOCATION"]) == "Cairo"
    assert "Second phase." in str(timed["DESCRIPTION"]) and "Steve Witkoff" in str(timed["DESCRIPTION"])
    assert str(all_day["UID"]) == f"meeting-{day_only.pk}@ceasefire-tracker"
    assert not isinstance(all_day.decoded("DTSTART"), datetime.datetime)
    assert all_day.decoded("DTSTART") == day_only.starts_at.astimezone(ZoneInfo("America/New_York")).date()
    assert all_day.decoded("DTEND") - all_day.decoded("DTSTART") == datetime.timedelta(days=1)


def test_the_calendar_uid_is_stable_and_works_with_a_token(client, role_users, upcoming):
    _, token = AuthToken.objects.create(user=role_users["viewer"])
    url = reverse("api:upcoming-calendar")
    first = parse(client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="text/calendar"))
    again = parse(client.get(url, HTTP_AUTHORIZATION=f"Token {token}"))
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again]
    refused = client.get(url, HTTP_AUTHORIZATION="Token wrong", HTTP_ACCEPT="text/calendar")
    assert refused.status_code == status.HTTP_401_UNAUTHORIZED
    assert refused["Content-Type"].startswith("text/calendar") and b"Invalid token" in refused.content
    assert client.get(url, HTTP_AUTHORIZATION="Token wrong").json()["detail"] == "Invalid token."


# Roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*ENDPOINTS, "api:proposal-comparison"])
def test_dashboards_need_a_role_and_are_read_only(client, client_for, name):
    url = reverse(name)
    assert client.get(url).status_code == status.HTTP_401_UNAUTHORIZED
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    assert client.get(url).status_code == status.HTTP_403_FORBIDDEN
    editor = client_for("administrator")
    assert editor.post(url, {}, content_type="application/json").status_code == status.HTTP_405_METHOD_NOT_ALLOWED


# Query counts -------------------------------------------------------------------------------------


def build(size: int) -> dict[str, str]:
    """A record of `size` meetings, proposals (with terms and events) and sticking points (with status
    changes and positions), each with `size` actors; returns the query string of each endpoint."""
    track = f.TrackFactory(slug="gaza")
    people = f.ActorFactory.create_batch(size)
    now = timezone.now()
    for n in range(size):
        for when, status_ in ((datetime.datetime(2025, 7, 1 + n, tzinfo=UTC), "held"), (now, "scheduled")):
            meeting = f.MeetingFactory(status=status_, starts_at=when + datetime.timedelta(days=1))
            meeting.tracks.set([track])
            for person in people:
                f.ParticipantFactory(meeting=meeting, actor=person)
    proposals = f.ProposalFactory.create_batch(size, track=track, proposer=people[0])
    for proposal in proposals:
        f.TermFactory.create_batch(size, proposal=proposal)
        f.ProposalEventFactory(proposal=proposal, actor=people[0])
        f.ProposalEventFactory(proposal=proposal, kind="violated")
        for person in people:
            f.ResponseFactory(proposal=proposal, actor=person)
    for point in f.StickingPointFactory.create_batch(size, track=track):
        f.StatusChangeFactory(sticking_point=point)
        for person in people:
            f.PositionFactory(sticking_point=point, actor=person)
            f.PositionFactory(sticking_point=point, actor=person, stated_on=datetime.date(2025, 7, 9))
    actor = people[0].slug
    return {
        "api:timeline": f"?track=gaza&actor={actor}&date_from=2025-01-01",
        "api:sticking-point-board": "?track=gaza&as_of=2025-07-08",
        "api:proposal-states": "?track=gaza&as_of=2025-07-08",
        "api:proposal-comparison": f"?before={proposals[0].slug}&after={proposals[1].pk}",
        "api:meeting-pairs": f"?actor={actor}&track=gaza&date_from=2025-01-01&date_to=2030-01-01",
        "api:upcoming-calendar": "",
    }


# Every request pays 6 before the view reads anything: the session, the user, the savepoint pair of
# ATOMIC_REQUESTS, the user's and its groups' permissions. Then:
# - timeline: the track and the actor (parameters), then meetings, their participants (prefetched, actor
#   joined), proposal events, responses, status changes, positions (each with its actor joined);
# - board: the track, the sticking points (status annotated, track joined), the positions (actor joined);
# - proposal states: the track, the proposals (status annotated, track and proposer joined);
# - comparison: the two versions, then the terms of each;
# - meeting pairs: the actor and the track, the pairs, their actors;
# - calendar: the meetings, their participants (actor joined).
EXPECTED = {
    "api:timeline": 6 + 2 + 6,
    "api:sticking-point-board": 6 + 1 + 2,
    "api:proposal-states": 6 + 1 + 1,
    "api:proposal-comparison": 6 + 2 + 2,
    "api:meeting-pairs": 6 + 2 + 2,
    "api:upcoming-calendar": 6 + 2,
}


@pytest.mark.parametrize("size", [2, 5])
def test_dashboard_query_counts_do_not_grow_with_rows(viewer, count_queries, size):
    queries = build(size)
    counts = {}
    for name, params in queries.items():
        response, counts[name] = count_queries(viewer, reverse(name) + params)
        if name != "api:upcoming-calendar":
            assert len(response.json()) >= size - 1, name  # the actor's pairs: one per other person
    assert counts == EXPECTED


@pytest.mark.parametrize("name", ["api:upcoming-calendar", "api:timeline", "api:meeting-pairs"])
def test_a_format_that_names_no_renderer_is_a_400_as_on_the_lists(viewer, name):
    response = viewer.get(reverse(name), {"format": "xml"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == ["format"]
    assert viewer.get(reverse(name), {"format": "json"}).status_code == status.HTTP_200_OK


def test_the_demo_boards_as_of_july_2025_show_no_future_record_and_no_null_status(viewer):
    """The reported cases: as of 5 July 2025 the October agreement did not exist yet; as of 7 July no
    sticking point showed a null status."""
    demo.load()
    proposals = viewer.get(reverse("api:proposal-states"), {"as_of": "2025-07-05"}).json()
    assert "gaza-ceasefire-october-2025" not in {row["slug"] for row in proposals}
    assert proposals and all(row["status"] for row in proposals)
    for as_of in ("2025-07-07", "2025-10-01", None):
        board = viewer.get(reverse("api:sticking-point-board"), {"as_of": as_of} if as_of else {}).json()
        assert board and all(row["status"] in StickingPoint.Status.values for row in board), as_of
