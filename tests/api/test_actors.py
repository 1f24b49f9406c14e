"""Actors over the API: created with their aliases in one request, aliases stored in NFC."""

import unicodedata

import pytest
from django.urls import reverse
from rest_framework import status

from actors.models import Actor, Alias
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db

# "Sharaa" with a decomposed a-acute (a + U+0301) and Hebrew with a decomposed letter + dagesh.
DECOMPOSED = "Ahmed al-Shara\u0301a"
HEBREW = "נתניהו"


def test_an_actor_and_its_aliases_are_created_in_one_request(client_for):
    f.StateFactory(name="Israel", slug="israel")
    payload = {
        "name": "Benjamin Netanyahu",
        "slug": "benjamin-netanyahu",
        "kind": "person",
        "country": "israel",
        "aliases": [
            {"name": HEBREW, "language": "he"},
            {"name": "نتنياهو", "language": "ar"},
            {"name": "Bibi", "language": "en", "kind": "nickname"},
        ],
        "affiliations": [{"title": "Prime Minister", "organisation": "israel", "start_date": "2022-12-29"}],
    }
    response = send(client_for("analyst"), "post", reverse("api:actor-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    body = response.json()
    assert body["country"]["slug"] == "israel"
    assert {(a["name"], a["script"]) for a in body["aliases"]} == {
        (HEBREW, "Hebr"),
        ("نتنياهو", "Arab"),
        ("Bibi", "Latn"),
    }
    assert body["affiliations"][0]["organisation"]["slug"] == "israel"
    actor = Actor.objects.get(slug="benjamin-netanyahu")
    assert actor.aliases.count() == 3


def test_aliases_are_stored_in_nfc(client_for):
    payload = {"name": DECOMPOSED, "slug": "al-sharaa", "kind": "person", "aliases": [{"name": DECOMPOSED}]}
    response = send(client_for("analyst"), "post", reverse("api:actor-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED
    alias = Alias.objects.get()
    assert alias.name == unicodedata.normalize("NFC", DECOMPOSED) != DECOMPOSED
    assert Actor.objects.get().name == alias.name
    assert response.json()["aliases"][0]["name"] == alias.name


def test_the_same_alias_twice_in_a_payload_is_a_field_error(client_for):
    composed = unicodedata.normalize("NFC", DECOMPOSED)
    payload = {
        "name": "A",
        "slug": "a",
        "kind": "person",
        "aliases": [{"name": DECOMPOSED}, {"name": composed.upper()}],
    }
    response = send(client_for("analyst"), "post", reverse("api:actor-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"aliases": {"1": {"non_field_errors": ["The same alias is given twice."]}}}
    assert not Actor.objects.exists()


def test_aliases_sent_on_update_replace_the_actors_matching_by_key(client_for):
    actor = f.ActorFactory()
    kept = f.AliasFactory(actor=actor, name="Hamas", language="")
    f.AliasFactory(actor=actor, name="Harakat al-Muqawama")
    url = reverse("api:actor-detail", args=[actor.pk])
    response = send(
        client_for("analyst"), "patch", url, {"aliases": [{"name": "HAMAS", "language": "en"}, {"name": "حماس"}]}
    )
    assert response.status_code == status.HTTP_200_OK
    rows = {alias.normalized: alias for alias in actor.aliases.all()}
    assert set(rows) == {"hamas", "حماس"}
    assert rows["hamas"].pk == kept.pk and rows["hamas"].language == "en"


def test_a_patch_without_aliases_leaves_them(client_for):
    actor = f.ActorFactory()
    f.AliasFactory.create_batch(2, actor=actor)
    url = reverse("api:actor-detail", args=[actor.pk])
    assert send(client_for("analyst"), "patch", url, {"description": "Envoy"}).status_code == 200
    assert actor.aliases.count() == 2


def test_an_overlapping_sole_affiliation_is_an_error_on_that_row(client_for):
    israel = f.StateFactory(slug="israel")
    f.AffiliationFactory(title="Prime Minister", organisation=israel, start_date="2022-12-29")
    payload = {
        "name": "Rival",
        "slug": "rival",
        "kind": "person",
        "affiliations": [
            {"title": "Envoy", "organisation": "israel"},
            {"title": "Prime Minister", "organisation": israel.pk, "start_date": "2023-01-01"},
        ],
    }
    response = send(client_for("analyst"), "post", reverse("api:actor-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    errors = response.json()["affiliations"]
    assert list(errors) == ["1"] and "overlapping period" in errors["1"]["non_field_errors"][0]
    assert not Actor.objects.filter(slug="rival").exists()


def test_search_finds_an_actor_by_any_alias_in_any_script(client_for):
    actor = f.ActorFactory(name="Benjamin Netanyahu")
    f.AliasFactory(actor=actor, name=HEBREW)
    f.ActorFactory(name="Someone else")
    response = client_for("viewer").get(reverse("api:actor-list"), {"search": "נתני"})
    assert [row["id"] for row in response.json()["results"]] == [actor.pk]


def test_deleting_an_actor_other_records_use_is_a_conflict(client_for):
    actor = f.ActorFactory()
    f.ParticipantFactory(actor=actor)
    response = client_for("analyst").delete(reverse("api:actor-detail", args=[actor.pk]))
    assert response.status_code == status.HTTP_409_CONFLICT
    assert "participants" in response.json()["detail"]
    assert Actor.objects.filter(pk=actor.pk).exists()


@pytest.fixture(autouse=True)
def writes_without_a_version(settings):
    """These tests are about what a write does, not about versions: tests/api/test_conditional.py covers If-Match,
    412 and the 428 a write without a version gets by default."""
    settings.API_REQUIRE_WRITE_PRECONDITION = False


def test_actors_are_filtered_by_track_in_any_role_by_id_or_slug(client_for):
    gaza, other = f.TrackFactory(slug="gaza"), f.TrackFactory()
    party, mediator = f.TrackActorFactory(track=gaza).actor, f.TrackActorFactory(track=gaza, role="mediator").actor
    f.TrackActorFactory(track=gaza, actor=party, role="guarantor")  # two roles: listed once
    f.TrackActorFactory(track=other)
    client = client_for("viewer")
    for value in ("gaza", str(gaza.pk)):
        listed = client.get(reverse("api:actor-list"), {"track": value}).json()["results"]
        assert sorted(actor["id"] for actor in listed) == sorted([party.pk, mediator.pk])
