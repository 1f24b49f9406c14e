import datetime

import pytest

from negotiations import selectors, services
from negotiations.models import Position, Proposal, StickingPoint
from tests import factories as f

pytestmark = pytest.mark.django_db

JULY = datetime.date(2025, 7, 1)


def day(n: int) -> datetime.date:
    return JULY + datetime.timedelta(days=n - 1)


def status_of(proposal, as_of=None):
    return selectors.proposals_with_status(Proposal.objects.filter(pk=proposal.pk), as_of=as_of).get().status


def test_proposal_status_follows_its_latest_event_as_of_any_date():
    proposal = f.ProposalFactory()
    assert status_of(proposal) == Proposal.Status.DRAFTED
    services.proposal_record_event(proposal=proposal, kind="tabled", on=day(1))
    services.proposal_record_event(proposal=proposal, kind="responded", on=day(4))
    services.proposal_record_event(proposal=proposal, kind="accepted_in_principle", on=day(10))
    assert status_of(proposal) == Proposal.Status.ACCEPTED_IN_PRINCIPLE
    assert status_of(proposal, as_of=day(5)) == Proposal.Status.UNDER_DISCUSSION
    assert status_of(proposal, as_of=day(1)) == Proposal.Status.TABLED
    assert selectors.proposal_status_as_of(proposal, day(2)) == Proposal.Status.TABLED
    # Before its first event the proposal did not exist yet: no status, and absent from the as-of rows.
    assert selectors.proposal_status_as_of(proposal, datetime.date(2025, 6, 30)) is None
    assert not selectors.proposals_with_status(
        Proposal.objects.filter(pk=proposal.pk), as_of=datetime.date(2025, 6, 30)
    )


def test_same_day_events_resolve_by_entry_order():
    proposal = f.ProposalFactory()
    services.proposal_record_event(proposal=proposal, kind="signed", on=day(9))
    services.proposal_record_event(proposal=proposal, kind="in_force", on=day(9))
    assert status_of(proposal) == Proposal.Status.IN_FORCE


def test_a_tabled_successor_makes_a_proposal_superseded_from_that_date():
    first = f.ProposalFactory()
    services.proposal_record_event(proposal=first, kind="tabled", on=day(1))
    second = f.ProposalFactory(track=first.track, previous_version=first, relation=Proposal.Relation.SUPERSEDES)
    assert status_of(first) == Proposal.Status.TABLED  # the successor has no event yet
    services.proposal_record_event(proposal=second, kind="tabled", on=day(8))
    assert status_of(first) == Proposal.Status.SUPERSEDED
    assert status_of(first, as_of=day(7)) == Proposal.Status.TABLED
    amendment = f.ProposalFactory(track=first.track, previous_version=second, relation=Proposal.Relation.AMENDS)
    services.proposal_record_event(proposal=amendment, kind="tabled", on=day(9))
    assert status_of(second) == Proposal.Status.TABLED  # an amendment does not supersede


def test_sticking_point_state_can_be_rebuilt_as_of_a_past_date():
    point = f.StickingPointFactory()
    israel, hamas, qatar = f.StateFactory(name="Israel"), f.ActorFactory(name="Hamas"), f.StateFactory(name="Qatar")
    services.sticking_point_set_status(sticking_point=point, status="open", on=day(6))
    services.sticking_point_set_status(sticking_point=point, status="narrowing", on=day(12))
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=day(6), stance="insists", summary="keep forces")
    f.PositionFactory(sticking_point=point, actor=hamas, stated_on=day(6), stance="rejects", summary="full pullback")
    f.PositionFactory(
        sticking_point=point,
        actor=israel,
        stated_on=day(11),
        stance="open_to_compromise",
        summary="softer line",
        channel=Position.Channel.ANONYMOUS_OFFICIAL,
        confidence=Position.Confidence.LOW,
    )
    f.PositionFactory(sticking_point=point, actor=qatar, stated_on=day(13), stance="proposes", summary="a formula")

    def state(as_of):
        return selectors.sticking_points_with_state(StickingPoint.objects.filter(pk=point.pk), as_of=as_of).get()

    then = state(day(7))
    assert (then.status, then.status_since, then.party_count) == ("open", day(6), 2)
    now = state(None)
    assert (now.status, now.status_since, now.party_count) == ("narrowing", day(12), 3)
    assert not selectors.sticking_points_with_state(StickingPoint.objects.filter(pk=point.pk), as_of=day(5))

    positions_then = {p.actor.name: p.stance for p in selectors.positions_as_of(point, day(7))}
    assert positions_then == {"Israel": "insists", "Hamas": "rejects"}
    positions_now = {p.actor.name: (p.stance, p.channel) for p in selectors.positions_as_of(point)}
    assert positions_now == {
        "Israel": ("open_to_compromise", "anonymous_official"),
        "Hamas": ("rejects", "on_record"),
        "Qatar": ("proposes", "on_record"),
    }


def test_a_sticking_point_is_open_from_its_first_position_until_a_status_change():
    point = f.StickingPointFactory()
    f.PositionFactory(sticking_point=point, stated_on=day(3))
    services.sticking_point_set_status(sticking_point=point, status="deadlocked", on=day(9))
    rows = StickingPoint.objects.filter(pk=point.pk)
    then = selectors.sticking_points_with_state(rows, as_of=day(4)).get()
    assert (then.status, then.status_since) == ("open", day(3))
    assert selectors.sticking_points_with_state(rows, as_of=day(9)).get().status == "deadlocked"
    undated = f.StickingPointFactory()
    assert selectors.sticking_points_with_state(StickingPoint.objects.filter(pk=undated.pk)).get().status == "open"


def test_services_refuse_unknown_statuses():
    with pytest.raises(ValueError, match="Unknown sticking point status"):
        services.sticking_point_set_status(sticking_point=f.StickingPointFactory(), status="solved")
    with pytest.raises(ValueError, match="Unknown meeting status"):
        services.meeting_set_status(meeting=f.MeetingFactory(), status="rumoured")


def test_a_reported_violation_leaves_a_truce_in_force_and_is_counted():
    truce = f.ProposalFactory()
    services.proposal_record_event(proposal=truce, kind="signed", on=day(9))
    services.proposal_record_event(proposal=truce, kind="in_force", on=day(10))
    services.proposal_record_event(proposal=truce, kind="violated", on=day(20))
    services.proposal_record_event(proposal=truce, kind="violated", on=day(25))
    annotated = selectors.proposals_with_status(Proposal.objects.filter(pk=truce.pk)).get()
    assert (annotated.status, annotated.latest_event_on, annotated.violations) == ("in_force", day(10), 2)
    assert selectors.proposals_with_status(Proposal.objects.filter(pk=truce.pk), as_of=day(21)).get().violations == 1
    services.proposal_record_event(proposal=truce, kind="suspended", on=day(30))
    assert status_of(truce) == Proposal.Status.SUSPENDED
