"""A record written with its nested rows costs the same number of queries whatever the number of rows,
and its version moves once (tracker/api/services.py: replace_rows, touches_deferred)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import status

from actors.models import Actor
from negotiations.models import Meeting, Proposal, Term
from tests import factories as f
from tests.admin_forms import change_form_data
from tests.api.conftest import send
from tracker.api.services import touches_deferred

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_for):
    ContentType.objects.get_for_models(Actor, Meeting, Proposal)  # the cache a first read would fill
    return client_for("analyst")


# Exact counts, the same on SQLite and PostgreSQL, for any number of nested rows. A proposal POST:
# 6 for the request (savepoint, session, user, two permission queries; release at the end), 3 for the
# input (track, slug unique, proposer), the service's savepoints (2 + 1 release), the proposal's
# validation (track and proposer exist, slug unique, two check constraints each in a savepoint pair:
# 9), its INSERT and history row, the channel read; the terms: the existing ones, a savepoint pair
# around one INSERT and one history INSERT, the rows left to delete (none), the version (one UPDATE);
# then the answer read back (the proposal and its 6 nested kinds plus the citations' content type).
PROPOSAL_POST = 39
# A PATCH adds the detail's read and its If-Match claim, and updates the terms in one UPDATE.
PROPOSAL_PATCH = 43
# An actor: the same shape, its aliases as the proposal's terms (one INSERT or UPDATE and one
# history INSERT), its PUT with the claim and the aliases' and affiliations' replacement.
ACTOR_POST = 34
ACTOR_PUT = 38
# A meeting: its participants' actors (and the actors they represent) are read in one query per field
# for the whole list (tracker/api/serializers.py: RecordsListSerializer), then written as terms are.
MEETING_POST = 36


def terms(count: int, quantity: int = 10) -> list[dict]:
    return [
        {"key": f"term-{n}", "kind": "other", "text": f"Clause {n}", "quantity": quantity + n, "unit": "days"}
        for n in range(count)
    ]


def aliases(count: int, prefix: str = "Alias") -> list[dict]:
    return [{"name": f"{prefix} {chr(65 + n)}", "language": "en"} for n in range(count)]


def queries(client, method: str, url: str, payload: dict) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = send(client, method, url, payload)
    assert response.status_code in (status.HTTP_200_OK, status.HTTP_201_CREATED), response.json()
    return len(captured), [query["sql"] for query in captured.captured_queries]


def version_updates(sql: list[str], table: str) -> int:
    """UPDATEs that move only the version of rows of `table` named by key (tracker/api/freshness.py's
    touches; the If-Match claim of an update names its version too, and is left out)."""
    start = f'UPDATE "{table}" SET "updated_at"'  # noqa: S608 (a prefix to compare, not a query)
    return sum(1 for q in sql if q.startswith(start) and '"id" IN (' in q)


def test_a_proposal_costs_the_same_with_1_or_10_terms(analyst):
    f.TrackFactory(slug="gaza"), f.StateFactory(slug="israel")
    counts = {}
    for size in (1, 10):
        payload = {
            "track": "gaza",
            "proposer": "israel",
            "title": f"Plan {size}",
            "slug": f"plan-{size}",
            "terms": terms(size),
        }
        counts[size], sql = queries(analyst, "post", reverse("api:proposal-list"), payload)
        assert version_updates(sql, "negotiations_proposal") == 1
        proposal = Proposal.objects.get(slug=f"plan-{size}")
        assert list(proposal.terms.order_by("key").values_list("key", "quantity")) == [
            (f"term-{n}", 10 + n) for n in range(size)
        ]
        assert proposal.terms.model.history.filter(proposal_id=proposal.pk, history_type="+").count() == size
    assert counts == {1: PROPOSAL_POST, 10: PROPOSAL_POST}

    for size in (1, 10):  # every term changed in place: same ids, one history row each
        proposal = Proposal.objects.get(slug=f"plan-{size}")
        ids = set(proposal.terms.values_list("pk", flat=True))
        before = proposal.updated_at
        url = reverse("api:proposal-detail", args=[proposal.pk])
        version = analyst.get(url).json()["updated_at"]
        counts[size], sql = queries(analyst, "patch", url, {"terms": terms(size, quantity=50), "updated_at": version})
        assert version_updates(sql, "negotiations_proposal") == 1
        assert set(proposal.terms.values_list("pk", flat=True)) == ids
        assert sorted(proposal.terms.values_list("quantity", flat=True)) == [50 + n for n in range(size)]
        assert Term.history.filter(proposal_id=proposal.pk, history_type="~").count() == size
        proposal.refresh_from_db()
        assert proposal.updated_at > before
        assert all(t.updated_at >= before for t in proposal.terms.all())
    assert counts == {1: PROPOSAL_PATCH, 10: PROPOSAL_PATCH}


def test_an_actor_costs_the_same_with_1_or_5_aliases(analyst):
    counts = {}
    for size in (1, 5):
        payload = {"name": f"Envoy {size}", "slug": f"envoy-{size}", "kind": "person", "aliases": aliases(size)}
        counts[size], sql = queries(analyst, "post", reverse("api:actor-list"), payload)
        assert version_updates(sql, "actors_actor") == 1
        actor = Actor.objects.get(slug=f"envoy-{size}")
        assert sorted(actor.aliases.values_list("name", "normalized", "script")) == [
            (f"Alias {chr(65 + n)}", f"alias {chr(97 + n)}", "Latn") for n in range(size)
        ]
    assert counts == {1: ACTOR_POST, 5: ACTOR_POST}

    for size in (1, 5):
        actor = Actor.objects.get(slug=f"envoy-{size}")
        url = reverse("api:actor-detail", args=[actor.pk])
        version = analyst.get(url).json()["updated_at"]
        renamed = [{**alias, "language": "fr"} for alias in aliases(size)]
        counts[size], sql = queries(
            analyst,
            "put",
            url,
            {"name": actor.name, "slug": actor.slug, "kind": "person", "aliases": renamed, "updated_at": version},
        )
        assert version_updates(sql, "actors_actor") == 1
        assert set(actor.aliases.values_list("language", flat=True)) == {"fr"}
    assert counts == {1: ACTOR_PUT, 5: ACTOR_PUT}


def test_a_meeting_costs_the_same_with_1_or_5_participants(analyst):
    actors = [f.ActorFactory(slug=f"envoy-{n}") for n in range(5)]
    state = f.StateFactory(slug="qatar")
    counts = {}
    for size in (1, 5):
        participants = [
            {"actor": actor.slug if n % 2 else actor.pk, "role": "mediator", "representing": "qatar"}
            for n, actor in enumerate(actors[:size])
        ]
        payload = {
            "title": f"Talks {size}",
            "format": "indirect",
            "starts_at": "2025-07-06T20:00:00Z",
            "participants": participants,
        }
        counts[size], sql = queries(analyst, "post", reverse("api:meeting-list"), payload)
        assert version_updates(sql, "negotiations_meeting") == 1
        meeting = Meeting.objects.get(title=f"Talks {size}")
        rows = meeting.participant_rows.order_by("actor_id").values_list("actor_id", "representing_id")
        assert list(rows) == [(actor.pk, state.pk) for actor in actors[:size]]
    assert counts == {1: MEETING_POST, 5: MEETING_POST}


def test_an_unknown_participant_is_still_a_400_naming_it(analyst):
    f.ActorFactory(slug="envoy")
    participants = [{"actor": "envoy", "role": "mediator"}, {"actor": "nobody", "role": "mediator"}]
    payload = {
        "title": "Talks",
        "format": "indirect",
        "starts_at": "2025-07-06T20:00:00Z",
        "participants": participants,
    }
    response = send(analyst, "post", reverse("api:meeting-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"participants": {"1": {"actor": ['No actor with slug "nobody".']}}}


def test_a_term_given_twice_is_still_a_400_naming_it(analyst):
    f.TrackFactory(slug="gaza"), f.StateFactory(slug="israel")
    twice = [*terms(2), terms(1)[0]]
    payload = {"track": "gaza", "proposer": "israel", "title": "Plan", "slug": "plan", "terms": twice}
    response = send(analyst, "post", reverse("api:proposal-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()["terms"]) == ["2"]
    assert not Proposal.objects.exists()


def test_a_term_the_database_refuses_is_a_400_naming_it(analyst):
    f.TrackFactory(slug="gaza"), f.StateFactory(slug="israel")
    bad = [*terms(2), {"key": "aid", "kind": "other", "text": "Aid", "quantity": 5, "unit": ""}]
    response = send(
        analyst,
        "post",
        reverse("api:proposal-list"),
        {"track": "gaza", "proposer": "israel", "title": "P", "slug": "p", "terms": bad},
    )
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()["terms"]) == ["2"]


def test_touches_inside_a_deferred_block_are_made_once_at_its_end():
    proposal = f.ProposalFactory()
    terms = [f.TermFactory(proposal=proposal, key=f"k{n}") for n in range(3)]
    before = Proposal.objects.get().updated_at
    with CaptureQueriesContext(connection) as captured, transaction.atomic(), touches_deferred():
        for term in terms:
            term.save()  # post_save: the proposal shows its terms (tracker/api/freshness.py)
        with touches_deferred():  # a nested block joins the outer one
            terms[0].delete()
        assert Proposal.objects.get().updated_at == before  # not yet
    assert version_updates([q["sql"] for q in captured.captured_queries], "negotiations_proposal") == 1
    assert Proposal.objects.get().updated_at > before


def test_an_admin_save_with_changed_inline_rows_moves_the_version_once(client_for):
    client = client_for("analyst")
    proposal = f.ProposalFactory()
    for n in range(3):
        f.TermFactory(proposal=proposal, key=f"k{n}", text=f"Clause {n}")
    url = reverse("admin:negotiations_proposal_change", args=[proposal.pk])
    data = change_form_data(client.get(url))
    texts = [name for name in data if name.startswith("terms-") and name.endswith("-text")]
    assert len(texts) == 3
    for name in texts:
        data[name] = f"{data[name]}, amended"
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert sorted(Term.objects.values_list("text", flat=True)) == [f"Clause {n}, amended" for n in range(3)]
    assert version_updates([q["sql"] for q in captured.captured_queries], "negotiations_proposal") == 1
