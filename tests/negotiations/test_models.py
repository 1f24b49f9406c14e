import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from negotiations.models import Citation, Figure, Meeting, Proposal
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_proposal_cannot_supersede_itself():
    proposal = f.ProposalFactory()
    proposal.previous_version = proposal
    proposal.relation = Proposal.Relation.SUPERSEDES
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save()


def test_a_version_link_needs_its_relation_and_the_other_way_round():
    first = f.ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ProposalFactory(previous_version=first, relation="")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ProposalFactory(relation=Proposal.Relation.AMENDS)
    assert f.ProposalFactory(previous_version=first, relation=Proposal.Relation.COUNTERS).previous_version == first


def test_a_meeting_cannot_end_before_it_starts():
    start = datetime.datetime(2025, 7, 8, 20, 0, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MeetingFactory(starts_at=start, ends_at=start - datetime.timedelta(minutes=1))
    meeting = f.MeetingFactory(starts_at=start, ends_at=start + datetime.timedelta(minutes=90))
    assert meeting.duration == datetime.timedelta(minutes=90)


def test_a_meeting_status_outside_the_choices_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MeetingFactory(status="rumoured")
    assert f.MeetingFactory(status=Meeting.Status.POSTPONED).status == "postponed"


def test_one_participant_row_per_actor_per_meeting():
    participant = f.ParticipantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ParticipantFactory(meeting=participant.meeting, actor=participant.actor, role="host")


def test_terms_have_unique_keys_per_proposal_and_no_negative_or_unitless_quantities():
    term = f.TermFactory(key="truce-length")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TermFactory(proposal=term.proposal, key="truce-length")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TermFactory(quantity=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TermFactory(quantity=Decimal(10), unit="")
    assert f.TermFactory(proposal=term.proposal, key="prisoners", quantity=None, unit="", quantity_is_open=True)


def test_a_delivery_must_say_what_was_delivered():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.DeliveryFactory(quantity=None, assessment="")


def test_a_phase_sequence_is_unique_per_track():
    phase = f.PhaseFactory(sequence=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PhaseFactory(track=phase.track, sequence=1)


def test_a_citation_needs_an_article_or_a_url():
    meeting = f.MeetingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(record=meeting, url="", article=None)
    article = f.ArticleFactory()
    cited = Citation.objects.create(record=meeting, article=article, quote="a passage")
    assert list(meeting.citations.all()) == [cited]


def test_a_figure_needs_a_claimant_and_conflicting_figures_coexist():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.FigureFactory(claimed_by=None, claimant_name="")
    israel, ministry = f.StateFactory(name="Israel"), f.ActorFactory(name="Gaza health ministry")
    f.FigureFactory(metric="killed", value=Decimal(52), claimed_by=ministry)
    f.FigureFactory(metric="killed", value=Decimal(40), claimed_by=israel)
    f.FigureFactory(metric="killed", value=Decimal(45), claimed_by=None, claimant_name="a UN official")
    assert sorted(Figure.objects.filter(metric="killed").values_list("value", flat=True)) == [40, 45, 52]


def test_a_response_cannot_counter_with_the_proposal_itself():
    response = f.ResponseFactory()
    response.counter_proposal = response.proposal
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_meeting_time_zone_must_be_an_iana_zone():
    from django.core.exceptions import ValidationError

    meeting = f.MeetingFactory.build(time_zone="Doha/Standard")
    with pytest.raises(ValidationError, match="IANA"):
        meeting.full_clean(exclude=["tracks", "proposals", "sticking_points"])
    meeting.time_zone = "Asia/Qatar"
    meeting.full_clean()
