"""Reads that dashboards need beyond plain lists: pairs that met, version comparison, the board, the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from negotiations import demo, selectors
from negotiations.models import Meeting, Proposal, Track
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def loaded():
    demo.load()


def test_the_demo_shows_six_trump_netanyahu_meetings_in_the_year_to_mar_a_lago(loaded):
    trump = Actor.objects.get(slug="donald-trump")
    pairs = selectors.meeting_pairs(
        since=datetime.datetime(2024, 12, 30, tzinfo=UTC),
        until=datetime.datetime(2025, 12, 30, tzinfo=UTC),
        actor=trump,
    )
    top = pairs[0]
    assert {top.first.slug, top.second.slug} == {"donald-trump", "benjamin-netanyahu"}
    assert top.meetings == 6
    assert top.first_met.date() == datetime.date(2025, 2, 4) and top.last_met.date() == datetime.date(2025, 12, 29)


def test_meeting_pairs_count_each_meeting_once_and_skip_cancelled_ones():
    a, b, c = f.ActorFactory(name="A"), f.ActorFactory(name="B"), f.ActorFactory(name="C")
    for status in ("held", "held", "scheduled", "cancelled", "postponed"):
        meeting = f.MeetingFactory(status=status)
        for actor in (a, b):
            f.ParticipantFactory(meeting=meeting, actor=actor)
    trio = f.MeetingFactory()
    for actor in (a, b, c):
        f.ParticipantFactory(meeting=trio, actor=actor)
    counts = {(p.first.name, p.second.name): p.meetings for p in selectors.meeting_pairs()}
    assert counts == {("A", "B"): 4, ("A", "C"): 1, ("B", "C"): 1}
    with CaptureQueriesContext(connection) as queries:
        theirs = selectors.meeting_pairs(actor=c)
    assert len(queries) == 2  # the pairs, then their actors
    # Only C's own pairs: A and B sat with C once, but that pair is not C's.
    assert {(p.first.name, p.second.name): p.meetings for p in theirs} == {("A", "C"): 1, ("B", "C"): 1}


def test_two_proposal_versions_compared_term_by_term():
    first = f.ProposalFactory()
    f.TermFactory(proposal=first, key="truce-length", quantity=Decimal(60), unit="days", position=1)
    f.TermFactory(
        proposal=first, key="living-hostages", kind="living_hostages", quantity=Decimal(10), unit="people", position=2
    )
    f.TermFactory(
        proposal=first, key="aid-channel", kind="aid_channel", quantity=None, unit="", text="Through the GHF."
    )
    second = f.ProposalFactory(track=first.track, previous_version=first, relation=Proposal.Relation.COUNTERS)
    f.TermFactory(proposal=second, key="truce-length", quantity=Decimal(60), unit="days", position=1)
    f.TermFactory(
        proposal=second, key="living-hostages", kind="living_hostages", quantity=Decimal(8), unit="people", position=2
    )
    f.TermFactory(
        proposal=second, key="guarantee", kind="guarantee", quantity=None, unit="", text="US guarantee.", position=3
    )
    rows = {row.key: row.change for row in selectors.proposal_comparison(first, second)}
    assert rows == {
        "truce-length": "same",
        "living-hostages": "changed",
        "guarantee": "added",
        "aid-channel": "removed",
    }


def test_the_board_shows_each_partys_latest_position_as_of_a_date_in_two_queries():
    point = f.StickingPointFactory(title="Withdrawal lines")
    israel, hamas = f.StateFactory(name="Israel"), f.ActorFactory(name="Hamas")
    f.StatusChangeFactory(sticking_point=point, status="open", changed_on=datetime.date(2025, 7, 6))
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=datetime.date(2025, 7, 6), stance="insists")
    f.PositionFactory(
        sticking_point=point, actor=israel, stated_on=datetime.date(2025, 7, 10), stance="open_to_compromise"
    )
    f.PositionFactory(sticking_point=point, actor=hamas, stated_on=datetime.date(2025, 7, 7), stance="rejects")
    f.StickingPointFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        board = selectors.sticking_point_board(as_of=datetime.date(2025, 7, 8))
    assert len(queries) == 2  # the points with their state, then the positions
    row = next(r for r in board if r.sticking_point == point)
    assert row.sticking_point.status == "open"
    assert [(p.actor.name, p.stance) for p in row.positions] == [("Hamas", "rejects"), ("Israel", "insists")]
    now = next(r for r in selectors.sticking_point_board() if r.sticking_point == point)
    assert [(p.actor.name, p.stance) for p in now.positions] == [("Hamas", "rejects"), ("Israel", "open_to_compromise")]


def test_the_timeline_merges_every_kind_of_dated_fact_in_order(loaded):
    gaza = Track.objects.get(slug="israel-hamas-gaza-ceasefire")
    july = selectors.timeline(since=datetime.date(2025, 7, 1), until=datetime.date(2025, 7, 31), track=gaza)
    assert [e.on for e in july] == sorted(e.on for e in july)
    assert {"meeting", "proposal_event", "response", "status_change", "position"} <= {e.kind for e in july}
    assert all(datetime.date(2025, 7, 1) <= e.on <= datetime.date(2025, 7, 31) for e in july)
    dinner = Meeting.objects.get(starts_at=datetime.datetime(2025, 7, 7, 22, 30, tzinfo=UTC))
    assert any(e.record == dinner for e in july)
    hamas = Actor.objects.get(slug="hamas")
    theirs = selectors.timeline(actor=hamas)
    assert theirs and all(hamas.pk in e.actor_ids or e.kind == "status_change" for e in theirs)
    with CaptureQueriesContext(connection) as queries:
        selectors.timeline(track=gaza)
    assert len(queries) == 6  # five sources, plus the meetings' participants


def test_the_timeline_gives_the_latest_entries_newest_first_and_one_kind_when_asked():
    point = f.StickingPointFactory()
    for day in (1, 2, 3, 4):
        f.StatusChangeFactory(sticking_point=point, changed_on=datetime.date(2025, 7, day))
        f.PositionFactory(sticking_point=point, stated_on=datetime.date(2025, 7, day))
    latest = selectors.timeline(limit=3, newest_first=True)
    assert [(e.on.day, e.kind) for e in latest] == [(4, "position"), (4, "status_change"), (3, "position")]
    with CaptureQueriesContext(connection) as queries:
        positions = selectors.timeline(kinds=["position"], limit=2, newest_first=True)
    assert len(queries) == 1
    assert [(e.on.day, e.kind) for e in positions] == [(4, "position"), (3, "position")]
    assert [e.on.day for e in selectors.timeline(kinds=["position"], limit=2)] == [1, 2]  # the earliest by default


def test_meeting_pairs_by_month_count_each_pairs_meetings_per_month():
    a, b, c = f.ActorFactory(name="A"), f.ActorFactory(name="B"), f.ActorFactory(name="C")
    track = f.TrackFactory()
    for starts_at, people, status in (
        (datetime.datetime(2025, 7, 1, 10, tzinfo=UTC), (a, b), "held"),
        (datetime.datetime(2025, 7, 20, 10, tzinfo=UTC), (a, b, c), "held"),
        (datetime.datetime(2025, 9, 2, 10, tzinfo=UTC), (a, b), "held"),
        (datetime.datetime(2025, 9, 3, 10, tzinfo=UTC), (a, b), "cancelled"),
    ):
        meeting = f.MeetingFactory(starts_at=starts_at, status=status)
        meeting.tracks.add(track)
        for actor in people:
            f.ParticipantFactory(meeting=meeting, actor=actor)
    f.ParticipantFactory(actor=a, meeting=f.ParticipantFactory(actor=b).meeting)  # another track's meeting
    with CaptureQueriesContext(connection) as queries:
        pairs = selectors.meeting_pairs_by_month(track=track)
    assert len(queries) == 2  # the counts, then the actors
    july, september = datetime.date(2025, 7, 1), datetime.date(2025, 9, 1)
    assert [(p.first.name, p.second.name, p.by_month, p.total) for p in pairs] == [
        ("A", "B", {july: 2, september: 1}, 3),
        ("A", "C", {july: 1}, 1),
        ("B", "C", {july: 1}, 1),
    ]
    until_august = selectors.meeting_pairs_by_month(track=track, until=datetime.datetime(2025, 8, 31, tzinfo=UTC))
    assert until_august[0].by_month == {july: 2}


def test_the_current_phase_today_is_the_one_in_progress_and_as_of_a_day_the_one_then_started():
    track = f.TrackFactory()
    first = f.PhaseFactory(track=track, sequence=1, status="lapsed", starts_on=datetime.date(2025, 1, 19))
    second = f.PhaseFactory(
        track=track,
        sequence=2,
        status="active",
        starts_on=datetime.date(2025, 10, 10),
        deadline=datetime.date(2026, 1, 15),
    )
    phases = [first, second]
    today = selectors.phases_on(phases, datetime.date(2026, 1, 5), as_of=None)
    assert [row.current for row in today] == [False, True] and today[1].days_to_deadline == 10
    july = selectors.phases_on(phases, datetime.date(2025, 7, 8), as_of=datetime.date(2025, 7, 8))
    assert [row.current for row in july] == [True, False] and july[0].ended_unrecorded
    assert not any(
        row.current for row in selectors.phases_on(phases, datetime.date(2025, 1, 1), as_of=datetime.date(2025, 1, 1))
    )
