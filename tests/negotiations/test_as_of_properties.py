""" "As of" rebuilds the past exactly: for random histories and every day around them, the selectors'
answer equals a replay of each record's own dated events, in plain Python.

Facts on the same day apply in the order they were recorded (the later one wins); statuses, event kinds and
stances are drawn at random, so a tie broken the wrong way shows. A record exists from its first dated fact
(a proposal's first event; a sticking point's first status change or position); before it, it is absent. A
status is never empty.
"""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from negotiations import selectors
from negotiations.models import EVENT_STATUS, Position, Proposal, ProposalEvent, StickingPoint
from tests import factories as f

START = datetime.date(2025, 7, 1)
SPAN = 12  # histories fall on days 0..SPAN-1; the checks run from the day before to the day after
DAYS = [START + datetime.timedelta(days=n) for n in range(-1, SPAN + 1)]

day_numbers = st.integers(min_value=0, max_value=SPAN - 1)
proposal_histories = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(ProposalEvent.Kind.values), day_numbers), max_size=4),
        st.sampled_from([None, *Proposal.Relation.values]),  # how it relates to the proposal before it
    ),
    min_size=1,
    max_size=4,
)
point_histories = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(StickingPoint.Status.values), day_numbers), max_size=3),
        # (actor, day, stance): stances differ, so which of two same-day positions holds can be seen.
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=2), day_numbers, st.sampled_from(Position.Stance.values)),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=4,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def replay_proposal(proposal: Proposal, events: list, successors: list, as_of: datetime.date | None):
    """(status, latest status event's day, violations) at the end of `as_of`, or None before it existed."""

    def by_then(rows):
        return [e for e in rows if as_of is None or e.occurred_on <= as_of]

    mine = sorted(by_then(events), key=lambda e: (e.occurred_on, e.pk))
    if as_of is not None and not mine:
        return None
    changes = [e for e in mine if e.kind in EVENT_STATUS]
    latest = changes[-1] if changes else None
    superseded = any(by_then(later) for later in successors)
    if superseded:
        status = Proposal.Status.SUPERSEDED
    else:
        status = EVENT_STATUS[latest.kind] if latest else Proposal.Status.DRAFTED
    violations = sum(e.kind == ProposalEvent.Kind.VIOLATED for e in mine)
    return (str(status), latest.occurred_on if latest else None, violations)


def replay_point(changes: list, positions: list, as_of: datetime.date | None):
    """(status, status since, party count, [(actor, stance, day)] by actor name), or None before it existed."""
    changes = sorted((c for c in changes if as_of is None or c.changed_on <= as_of), key=lambda c: (c.changed_on, c.pk))
    positions = sorted(
        (p for p in positions if as_of is None or p.stated_on <= as_of), key=lambda p: (p.stated_on, p.pk)
    )
    if as_of is not None and not changes and not positions:
        return None
    if changes:
        status, since = changes[-1].status, changes[-1].changed_on
    else:
        status, since = StickingPoint.Status.OPEN, positions[0].stated_on if positions else None
    latest = {}
    for position in positions:
        latest[position.actor.name] = position
    board = [(name, latest[name].stance, latest[name].stated_on) for name in sorted(latest)]
    return (str(status), since, len(latest), board)


class AsOfMatchesReplay(TestCase):
    @SETTINGS
    @given(histories=proposal_histories)
    def test_proposal_states_replay_their_events(self, histories):
        track = f.TrackFactory()
        proposals, events, successors = [], {}, {}
        for history, relation in histories:
            previous = proposals[-1] if proposals and relation else None
            proposal = f.ProposalFactory(track=track, previous_version=previous, relation=relation if previous else "")
            proposals.append(proposal)
            events[proposal.pk], successors[proposal.pk] = [], []
            if previous is not None and relation == Proposal.Relation.SUPERSEDES:
                successors[previous.pk].append(events[proposal.pk])
            for kind, offset in history:
                events[proposal.pk].append(
                    f.ProposalEventFactory(
                        proposal=proposal, kind=kind, occurred_on=START + datetime.timedelta(days=offset)
                    )
                )
        for as_of in [None, *DAYS]:
            rows = selectors.proposals_with_status(Proposal.objects.filter(track=track), as_of=as_of)
            answer = {p.pk: (p.status, p.latest_event_on, p.violations) for p in rows}
            expected = {
                p.pk: state
                for p in proposals
                if (state := replay_proposal(p, events[p.pk], successors[p.pk], as_of)) is not None
            }
            assert answer == expected, as_of
            if as_of is not None:
                for proposal in proposals:
                    state = expected.get(proposal.pk)
                    assert selectors.proposal_status_as_of(proposal, as_of) == (state[0] if state else None)

    @SETTINGS
    @given(histories=point_histories)
    def test_the_sticking_point_board_replays_status_changes_and_positions(self, histories):
        track = f.TrackFactory()
        actors = [f.ActorFactory(name=name) for name in ("Egypt", "Hamas", "Israel")]
        points, changes, positions = [], {}, {}
        for history, stated in histories:
            point = f.StickingPointFactory(track=track)
            points.append(point)
            changes[point.pk] = [
                f.StatusChangeFactory(
                    sticking_point=point, status=status, changed_on=START + datetime.timedelta(days=n)
                )
                for status, n in history
            ]
            positions[point.pk] = [
                f.PositionFactory(
                    sticking_point=point,
                    actor=actors[who],
                    stated_on=START + datetime.timedelta(days=n),
                    stance=stance,
                )
                for who, n, stance in stated
            ]
        for as_of in [None, *DAYS]:
            board = selectors.sticking_point_board(StickingPoint.objects.filter(track=track), as_of=as_of)
            answer = {
                row.sticking_point.pk: (
                    row.sticking_point.status,
                    row.sticking_point.status_since,
                    row.sticking_point.party_count,
                    [(p.actor.name, p.stance, p.stated_on) for p in row.positions],
                )
                for row in board
            }
            expected = {
                point.pk: state
                for point in points
                if (state := replay_point(changes[point.pk], positions[point.pk], as_of)) is not None
            }
            assert answer == expected, as_of
            assert all(row.sticking_point.status for row in board)
            for point in points:  # the one-point selector agrees with the replay too
                held = [(p.actor.name, p.stance, p.stated_on) for p in selectors.positions_as_of(point, as_of)]
                assert held == (expected[point.pk][3] if point.pk in expected else [])
