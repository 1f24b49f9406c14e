"""Filters (dates, actor in any role, track, status, kind, language, review state), ordering and pagination."""

import datetime

import pytest
from django.urls import reverse
from rest_framework import status

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def ids(response) -> list[int]:
    assert response.status_code == status.HTTP_200_OK, response.content
    return [row["id"] for row in response.json()["results"]]


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 7, day, 12, tzinfo=datetime.UTC)


def test_meetings_by_date_range_status_track_and_actor_in_any_role(viewer):
    gaza, iran = f.TrackFactory(slug="gaza"), f.TrackFactory(slug="iran")
    qatar = f.StateFactory(slug="qatar")
    hosted = f.MeetingFactory(starts_at=at(6), country=qatar, status="held")
    mediated = f.MeetingFactory(starts_at=at(7), status="held")
    f.ParticipantFactory(meeting=mediated, actor=f.ActorFactory(), representing=qatar, role="mediator")
    attended = f.MeetingFactory(starts_at=at(8), status="scheduled")
    f.ParticipantFactory(meeting=attended, actor=qatar)
    other = f.MeetingFactory(starts_at=at(9), status="cancelled")
    hosted.tracks.add(gaza)
    mediated.tracks.add(gaza, iran)
    other.tracks.add(iran)
    url = reverse("api:meeting-list")
    assert ids(viewer.get(url, {"date_from": "2025-07-07", "date_to": "2025-07-08"})) == [attended.pk, mediated.pk]
    assert ids(viewer.get(url, {"actor": "qatar"})) == [attended.pk, mediated.pk, hosted.pk]
    assert ids(viewer.get(url, {"actor": qatar.pk, "status": "held"})) == [mediated.pk, hosted.pk]
    assert ids(viewer.get(url, {"status": ["scheduled", "cancelled"]})) == [other.pk, attended.pk]
    assert ids(viewer.get(url, {"track": "gaza"})) == [mediated.pk, hosted.pk]
    assert ids(viewer.get(url, {"track": iran.pk, "ordering": "starts_at"})) == [mediated.pk, other.pk]
    unknown = viewer.get(url, {"actor": "nobody-by-that-slug"})
    assert unknown.status_code == status.HTTP_400_BAD_REQUEST
    assert unknown.json() == {"actor": ['No actor with id or slug "nobody-by-that-slug".']}


def test_proposals_by_derived_status_track_and_actor(viewer):
    gaza = f.TrackFactory(slug="gaza")
    hamas = f.ActorFactory(slug="hamas")
    tabled = f.ProposalFactory(track=gaza, title="A")
    f.ProposalEventFactory(proposal=tabled, kind="tabled", occurred_on=datetime.date(2025, 7, 1))
    answered = f.ProposalFactory(track=gaza, title="B")
    f.ProposalEventFactory(proposal=answered, kind="tabled", occurred_on=datetime.date(2025, 6, 1))
    f.ProposalEventFactory(proposal=answered, kind="rejected", occurred_on=datetime.date(2025, 6, 20))
    f.ResponseFactory(proposal=answered, actor=hamas, kind="reject")
    elsewhere = f.ProposalFactory(title="C")
    url = reverse("api:proposal-list")
    assert ids(viewer.get(url, {"status": "tabled"})) == [tabled.pk]
    assert ids(viewer.get(url, {"status": ["rejected", "drafted"]})) == [answered.pk, elsewhere.pk]
    assert ids(viewer.get(url, {"track": "gaza"})) == [tabled.pk, answered.pk]
    assert ids(viewer.get(url, {"actor": "hamas"})) == [answered.pk]
    assert ids(viewer.get(url, {"date_from": "2025-06-25"})) == [tabled.pk]
    # Rows without a value sort last either way, on every database.
    assert ids(viewer.get(url, {"ordering": "-status_since"})) == [tabled.pk, answered.pk, elsewhere.pk]
    assert ids(viewer.get(url, {"ordering": "status_since"})) == [answered.pk, tabled.pk, elsewhere.pk]


def test_sticking_points_by_status_and_actor_with_a_position(viewer):
    open_point = f.StickingPointFactory(title="Aid")
    f.StatusChangeFactory(sticking_point=open_point, status="open")
    resolved = f.StickingPointFactory(title="Withdrawal")
    f.StatusChangeFactory(sticking_point=resolved, status="open", changed_on=datetime.date(2025, 7, 1))
    f.StatusChangeFactory(sticking_point=resolved, status="resolved", changed_on=datetime.date(2025, 7, 9))
    israel = f.StateFactory(slug="israel")
    f.PositionFactory(sticking_point=resolved, actor=israel)
    url = reverse("api:sticking-point-list")
    assert ids(viewer.get(url, {"status": "open"})) == [open_point.pk]
    assert ids(viewer.get(url, {"actor": "israel"})) == [resolved.pk]
    assert ids(viewer.get(url, {"ordering": "-status_since"})) == [resolved.pk, open_point.pk]


def test_articles_by_review_state_language_feed_actor_and_date(viewer):
    hamas = f.ActorFactory(slug="hamas")
    english = f.ArticleFactory(language="en", published_at=at(6))
    arabic = f.ArticleFactory(language="ar", published_at=at(7))
    rejected = f.ArticleFactory(language="en", published_at=at(8), review_state="rejected", reviewed_at=at(8))
    f.MentionFactory(article=arabic, actor=hamas)
    url = reverse("api:article-list")
    assert ids(viewer.get(url, {"review_state": "pending"})) == [arabic.pk, english.pk]
    assert ids(viewer.get(url, {"language": "en"})) == [rejected.pk, english.pk]
    assert ids(viewer.get(url, {"actor": "hamas"})) == [arabic.pk]
    assert ids(viewer.get(url, {"feed": english.feed_id})) == [english.pk]
    assert ids(viewer.get(url, {"date_to": "2025-07-07", "ordering": "published_at"})) == [english.pk, arabic.pk]


def test_figures_positions_and_events_by_actor_and_date(viewer):
    hamas = f.ActorFactory(slug="hamas")
    early = f.FigureFactory(claimed_by=hamas, as_of=datetime.date(2025, 7, 1))
    f.FigureFactory(as_of=datetime.date(2025, 7, 2))
    assert ids(viewer.get(reverse("api:figure-list"), {"actor": "hamas"})) == [early.pk]
    assert ids(viewer.get(reverse("api:figure-list"), {"date_to": "2025-07-01"})) == [early.pk]
    position = f.PositionFactory(actor=hamas, stated_on=datetime.date(2025, 7, 3))
    f.PositionFactory(stated_on=datetime.date(2025, 7, 4))
    assert ids(viewer.get(reverse("api:position-list"), {"actor": hamas.pk})) == [position.pk]
    event = f.ProposalEventFactory(kind="rejected", actor=hamas)
    f.ProposalEventFactory(kind="tabled")
    assert ids(viewer.get(reverse("api:proposal-event-list"), {"kind": "rejected"})) == [event.pk]


def test_actors_by_kind(viewer):
    state = f.StateFactory(name="Qatar")
    f.ActorFactory(name="Witkoff")
    assert ids(viewer.get(reverse("api:actor-list"), {"kind": "state"})) == [state.pk]


def test_ordering_by_an_unknown_field_is_a_400(viewer):
    response = viewer.get(reverse("api:meeting-list"), {"ordering": "-secret"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {
        "ordering": ["Cannot order by -secret; choose from created_at, id, starts_at, status, title, updated_at."]
    }


def test_ties_are_broken_by_id_so_pages_never_overlap(viewer):
    same_time = [f.MeetingFactory(starts_at=at(7)) for _ in range(5)]
    url = reverse("api:meeting-list")
    seen = []
    for page in (1, 2, 3):
        seen += ids(viewer.get(url, {"page": page, "page_size": 2, "ordering": "starts_at"}))
    assert seen == [meeting.pk for meeting in same_time]


def test_page_size_is_capped(viewer):
    f.ActorFactory.create_batch(3)
    response = viewer.get(reverse("api:actor-list"), {"page_size": 100000})
    assert response.json()["count"] == 3 and len(response.json()["results"]) == 3
    assert len(ids(viewer.get(reverse("api:actor-list"), {"page_size": 2}))) == 2


def test_page_pagination_by_default_with_count_and_links(viewer):
    f.ActorFactory.create_batch(3)
    body = viewer.get(reverse("api:actor-list"), {"page_size": 2}).json()
    assert body["count"] == 3 and body["previous"] is None
    assert body["next"].endswith("?page=2&page_size=2")
    assert viewer.get(reverse("api:actor-list"), {"page": 9}).status_code == status.HTTP_404_NOT_FOUND


def test_cursor_pagination_walks_everything_in_id_order_even_while_rows_are_added(viewer):
    actors = f.ActorFactory.create_batch(5)
    url = reverse("api:actor-list") + "?pagination=cursor&page_size=2"
    walked = []
    while url:
        body = viewer.get(url).json()
        assert "count" not in body
        walked += [row["id"] for row in body["results"]]
        url = body["next"]
        if len(walked) == 2:
            actors.append(f.ActorFactory(name="Added while syncing"))
    assert walked == [actor.pk for actor in actors]


def test_cursor_pagination_refuses_an_ordering_and_an_unknown_mode(viewer):
    response = viewer.get(reverse("api:actor-list"), {"pagination": "cursor", "ordering": "name"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == ["ordering"]
    response = viewer.get(reverse("api:actor-list"), {"pagination": "offset"})
    assert response.json() == {"pagination": ["Choose one of: page, cursor."]}


@pytest.mark.parametrize(
    ("name", "param"), [("article", "feed"), ("article", "story"), ("citation", "record_id"), ("citation", "article")]
)
@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999999", "0", "1.5", "²"])
def test_an_id_filter_out_of_range_is_a_400_naming_it(viewer, name, param, value):
    response = viewer.get(reverse(f"api:{name}-list"), {param: value})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == [param]
