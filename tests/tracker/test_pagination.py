"""tracker/pagination.py: below its cap CappedPaginator pages as Django's Paginator does; at the cap its count is
a lower bound that still reaches the page asked for; a known count costs no query."""

import pytest
from django.core.paginator import Paginator
from django.db.models import F

from actors.models import Actor
from tests import factories as f
from tracker.pagination import CappedPaginator, count_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    for index in range(7):
        f.ActorFactory(name=f"Actor {index}")
    return Actor.objects.order_by("name", "id")


def described(page) -> tuple:
    return (
        page.number,
        [actor.name for actor in page],
        page.has_previous(),
        page.has_next(),
        page.start_index(),
        page.end_index(),
        page.paginator.count,
        page.paginator.num_pages,
    )


@pytest.mark.parametrize("asked", [None, "", "x", "2.5", "0", "-1", 1, "2", "3", "4", "99"])
def test_below_the_cap_pages_are_djangos(actors, asked):
    ours = CappedPaginator(actors, 3, asked=asked, cap=10).get_page(asked)
    assert described(ours) == described(Paginator(actors, 3).get_page(asked))
    assert not ours.paginator.capped
    assert ours.paginator.count_label == "7"


def test_at_the_cap_the_count_is_a_lower_bound_that_says_so(actors):
    paginator = CappedPaginator(actors, 2, asked=1, cap=4)
    page = paginator.get_page(1)
    assert paginator.capped
    assert paginator.count == 5  # counted up to one past the cap, no further
    assert paginator.count_label == "4+"
    assert [actor.name for actor in page] == ["Actor 0", "Actor 1"]
    assert page.has_next()


def test_a_page_past_the_cap_is_counted_up_to_and_has_a_next_when_there_is_one(actors):
    paginator = CappedPaginator(actors, 2, asked="3", cap=2)
    page = paginator.get_page("3")
    assert [actor.name for actor in page] == ["Actor 4", "Actor 5"]
    assert paginator.capped and paginator.count_label == "6+"
    assert page.has_next()
    last = CappedPaginator(actors, 2, asked="4", cap=2).get_page("4")
    assert [actor.name for actor in last] == ["Actor 6"]
    assert not last.paginator.capped and not last.has_next()


def test_a_page_is_read_by_its_ids_in_the_querysets_order_with_the_rows_shaped_after(actors):
    shaped = CappedPaginator(
        actors.order_by("-name"), 3, asked=2, rows=lambda rows: rows.annotate(shout=F("name"))
    ).get_page(2)
    assert [(actor.name, actor.shout) for actor in shaped] == [(f"Actor {n}", f"Actor {n}") for n in (3, 2, 1)]


def test_a_known_count_is_taken_as_is(actors, django_assert_num_queries):
    paginator = CappedPaginator(actors, 3, asked=3, count=7, cap=1)
    with django_assert_num_queries(1):  # the page; no count
        page = paginator.get_page(3)
        assert [actor.name for actor in page] == ["Actor 6"]
    assert not paginator.capped and paginator.count_label == "7"


def test_cap_none_counts_everything(actors):
    paginator = CappedPaginator(actors, 2, asked=1, cap=None)
    assert paginator.count == 7 and not paginator.capped and paginator.num_pages == 4


def test_count_label(actors):
    assert count_label(actors, cap=7) == "7"
    assert count_label(actors, cap=6) == "6+"
    assert count_label(actors, cap=None) == "7"
    assert count_label(actors.none()) == "0"
    Actor.objects.bulk_create(
        Actor(name=f"Extra {index}", slug=f"extra-{index}", kind=Actor.Kind.PERSON) for index in range(1000)
    )
    assert count_label(Actor.objects.all()) == "1,000+"
    assert count_label(Actor.objects.all(), cap=None) == "1,007"
