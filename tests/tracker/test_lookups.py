"""The `any_of` lookup (tracker/lookups.py): the rows `__in` gives, in one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from negotiations.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals():
    """Three proposals, each reached from a different actor in a different way: proposer, response, track."""
    proposer, responder, party, stranger = factories.ActorFactory.create_batch(4)
    by_proposer = factories.ProposalFactory(proposer=proposer)
    by_response = factories.ProposalFactory()
    factories.ResponseFactory(proposal=by_response, actor=responder)
    by_track = factories.ProposalFactory()
    factories.TrackActorFactory(track=by_track.track, actor=party)
    return [proposer.pk, responder.pk, party.pk, stranger.pk], [by_proposer, by_response, by_track]


def _involving(actor_ids, lookup: str) -> set[int]:
    condition = (
        Q(**{f"proposer_id__{lookup}": actor_ids})
        | Q(**{f"responses__actor_id__{lookup}": actor_ids})
        | Q(**{f"track__track_actors__actor_id__{lookup}": actor_ids})
    )
    return set(Proposal.objects.filter(condition).values_list("pk", flat=True).distinct())


@pytest.mark.parametrize("chosen", [[0], [1], [2], [3], [0, 2], [0, 1, 2, 3]])
def test_any_of_finds_what_in_finds_across_relations(proposals, chosen):
    actors, records = proposals
    actor_ids = {actors[index] for index in chosen}
    expected = {records[index].pk for index in chosen if index < 3}
    assert _involving(actor_ids, "any_of") == expected
    assert _involving(actor_ids, "in") == expected


def test_an_empty_list_matches_nothing_without_a_query(proposals):
    with CaptureQueriesContext(connection) as captured:
        assert list(Proposal.objects.filter(proposer_id__any_of=[])) == []
    assert len(captured) == 0


def test_the_values_go_as_one_parameter_on_postgresql_and_as_a_list_elsewhere(proposals):
    actors, _ = proposals
    sql, params = Proposal.objects.filter(proposer_id__any_of=actors).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql
        assert params == ("{" + ",".join(map(str, actors)) + "}",)  # ints: the array's text literal
    else:
        assert f"IN ({', '.join(['%s'] * len(actors))})" in sql
        assert params == tuple(actors)


def test_model_instances_and_none_are_refused_rather_than_sent(proposals):
    _, records = proposals
    with pytest.raises(TypeError, match="plain ints or strings"):
        list(Proposal.objects.filter(proposer__any_of=[records[0].proposer]))
    with pytest.raises(TypeError, match="plain ints or strings"):
        list(Proposal.objects.filter(proposer_id__any_of=[records[0].proposer_id, None]))


def test_strings_go_as_a_list_and_match_as_in_does(proposals):
    _, records = proposals
    titles = [records[0].title, "no such title", 'it\'s "quoted", {braced}, back\\slash']
    found = set(Proposal.objects.filter(title__any_of=titles).values_list("pk", flat=True))
    assert found == set(Proposal.objects.filter(title__in=titles).values_list("pk", flat=True)) == {records[0].pk}
