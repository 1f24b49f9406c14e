"""The long lists of the dashboard and the record pages stop at a length and say where the rest is: a track
page stays readable (and fast) however large the record. Each cap is made small here to test it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from negotiations import record_selectors, selectors
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def track_page(client, track, **query):
    response = client.get(reverse("track", kwargs={"slug": track.slug}), query)
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def chart_part(client, track, **query):
    """The track page's chart part, as htmx asks for it."""
    response = client.get(reverse("track-meetings", kwargs={"slug": track.slug}), query, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def status_changes(track, days):
    point = f.StickingPointFactory(track=track, title="Aid")
    return [f.StatusChangeFactory(sticking_point=point, status="open", changed_on=day) for day in days]


def test_the_timeline_pages_back_through_older_entries_without_losing_or_repeating_one(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_LENGTH", 3)
    track = f.TrackFactory(slug="gaza")
    changes = status_changes(track, [D(2025, 7, day) for day in range(1, 8)])

    pages, html = [], ""
    for page in (1, 2, 3):
        response, html = track_page(viewer, track, as_of="2025-07-31", page=page)
        pages.append([entry.record for entry in response.context["dashboard"].timeline])
        if page < 3:
            # The link keeps the day the page stands on.
            assert f'href="?as_of=2025-07-31&amp;page={page + 1}#timeline-heading"' in html
        if page > 1:
            assert 'id="newer-entries"' in html
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [record for page in pages for record in page] == changes[::-1]  # newest first, each once
    assert 'id="older-entries"' not in html  # the last page


def test_a_short_timeline_has_no_older_link(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_LENGTH", 3)
    track = f.TrackFactory(slug="gaza")
    status_changes(track, [D(2025, 7, 1), D(2025, 7, 2), D(2025, 7, 3)])
    _, html = track_page(viewer, track, as_of="2025-07-31")
    assert 'id="older-entries"' not in html and 'id="newer-entries"' not in html


def test_past_the_last_page_older_entries_are_left_to_the_exports(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_LENGTH", 2)
    monkeypatch.setattr(selectors, "TIMELINE_PAGES", 2)
    track = f.TrackFactory(slug="gaza")
    status_changes(track, [D(2025, 7, day) for day in range(1, 8)])
    _, html = track_page(viewer, track, as_of="2025-07-31", page=2)
    assert 'id="older-entries"' not in html and 'id="older-in-exports"' in html
    bad = viewer.get(reverse("track", kwargs={"slug": track.slug}), {"page": 0})
    assert bad.status_code == 400 and "Timeline page" in bad.content.decode()


def test_what_changed_stops_at_its_length_and_says_more_changed(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "CHANGES_LENGTH", 2)
    track = f.TrackFactory(slug="gaza")
    status_changes(track, [D(2025, 7, 7), D(2025, 7, 8), D(2025, 7, 9)])
    response, html = track_page(viewer, track, as_of="2025-07-10")
    assert [entry.on for entry in response.context["dashboard"].changes] == [D(2025, 7, 9), D(2025, 7, 8)]
    assert 'id="more-changes"' in html
    # Read from the timeline's first page, or on its own when the timeline is filtered or paged: the same.
    for query in ({"kind": "meeting"}, {"page": 2}):
        filtered, _ = track_page(viewer, track, as_of="2025-07-10", **query)
        assert filtered.context["dashboard"].changes == response.context["dashboard"].changes
        assert filtered.context["dashboard"].more_changes
    _, html = track_page(viewer, track, as_of="2025-07-08")
    assert 'id="more-changes"' not in html  # two entries by then: all shown


def test_the_proposals_listed_are_those_acted_on_last_each_compared_with_its_earlier_version(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "PROPOSALS_LISTED", 2)
    track = f.TrackFactory(slug="gaza")
    first = f.ProposalFactory(track=track, title="Plan", version_label="v1")
    f.TermFactory(proposal=first, key="hostages", kind="living_hostages", quantity=Decimal(10), unit="people")
    middle = f.ProposalFactory(track=track, title="Aid corridor")
    latest = f.ProposalFactory(track=track, title="Plan", version_label="v2", previous_version=first, relation="amends")
    f.TermFactory(proposal=latest, key="hostages", kind="living_hostages", quantity=Decimal(8), unit="people")
    for proposal, day in ((first, 1), (middle, 2), (latest, 3)):
        f.ProposalEventFactory(proposal=proposal, kind="tabled", occurred_on=D(2025, 7, day))

    response, html = track_page(viewer, track)
    rows = response.context["dashboard"].proposals
    assert [row.proposal for row in rows] == [latest, middle]
    # The earlier version is not listed, yet the later one is still compared with it.
    assert rows[0].previous == first and [c.change for c in rows[0].changes] == ["changed"]
    assert 'id="more-proposals"' in html
    assert [row.proposal for row in response.context["dashboard"].planned_delivered] == [latest]

    response, html = track_page(viewer, track, as_of="2025-07-02")
    assert [row.proposal for row in response.context["dashboard"].proposals] == [middle, first]
    assert 'id="more-proposals"' not in html  # the later version did not exist yet


def test_an_earlier_version_that_did_not_exist_yet_is_not_compared(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "PROPOSALS_LISTED", 1)
    track = f.TrackFactory(slug="gaza")
    first = f.ProposalFactory(track=track, title="Plan", version_label="v1")
    later = f.ProposalFactory(track=track, title="Plan", version_label="v2", previous_version=first, relation="amends")
    f.ProposalEventFactory(proposal=first, kind="tabled", occurred_on=D(2025, 7, 9))
    f.ProposalEventFactory(proposal=later, kind="tabled", occurred_on=D(2025, 7, 1))  # recorded out of order
    response, _ = track_page(viewer, track, as_of="2025-07-05")
    (row,) = response.context["dashboard"].proposals
    assert row.proposal == later and row.previous is None


def test_the_board_shows_the_parties_stances_and_lists_the_rest_of_a_column_by_title(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_CARDS", 1)
    track = f.TrackFactory(slug="gaza")
    israel, qatar = f.StateFactory(name="Israel"), f.StateFactory(name="Qatar")
    f.TrackActorFactory(track=track, actor=israel, role="party")
    f.TrackActorFactory(track=track, actor=qatar, role="mediator")
    for title, day in (("Aid", 1), ("Withdrawal", 5)):
        point = f.StickingPointFactory(track=track, title=title)
        f.StatusChangeFactory(sticking_point=point, status="open", changed_on=D(2025, 7, day))
        for actor in (israel, qatar):
            f.PositionFactory(sticking_point=point, actor=actor, stated_on=D(2025, 7, day))

    response, html = track_page(viewer, track)
    column = next(c for c in response.context["dashboard"].board if c.status == "open")
    ((card, stances),) = column.cards
    assert card.title == "Withdrawal"  # the status changed last
    assert [stance.position.actor for stance in stances] == [israel]  # the party's, not the mediator's
    assert [point.title for point in column.others] == ["Aid"] and column.count == 2
    others = re.search(r'<details class="more-points">.*?</details>', html, flags=re.S).group(0)
    assert reverse("sticking-point", kwargs={"slug": column.others[0].slug}) in others


def test_a_track_that_names_no_party_shows_every_actors_stance(viewer):
    track = f.TrackFactory(slug="gaza")
    point = f.StickingPointFactory(track=track)
    f.PositionFactory(sticking_point=point, actor=f.StateFactory(name="Israel"), stated_on=D(2025, 7, 1))
    f.PositionFactory(sticking_point=point, actor=f.ActorFactory(name="Hamas"), stated_on=D(2025, 7, 2))
    response, _ = track_page(viewer, track)
    cards = [card for column in response.context["dashboard"].board for card in column.cards]
    assert [len(stances) for _, stances in cards] == [2]


def test_figures_show_each_claimants_latest_claim_on_the_measures_claimed_last(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "FIGURE_MEASURES", 1)
    track = f.TrackFactory(slug="gaza")
    israel, hamas = f.StateFactory(name="Israel"), f.ActorFactory(name="Hamas")
    f.FigureFactory(track=track, metric="hostages", claimed_by=israel, value=Decimal(10), as_of=D(2025, 7, 1))
    f.FigureFactory(track=track, metric="hostages", claimed_by=hamas, value=Decimal(20), as_of=D(2025, 7, 2))
    f.FigureFactory(track=track, metric="hostages", claimed_by=israel, value=Decimal(12), as_of=D(2025, 7, 3))
    f.FigureFactory(track=track, metric="trucks", claimed_by=israel, value=Decimal(5), as_of=D(2025, 6, 1))

    response, html = track_page(viewer, track)
    (group,) = response.context["dashboard"].figures
    assert group.metric == "hostages"
    assert [(c.figure.claimed_by, c.figure.amount) for c in group.claims] == [(hamas, "20"), (israel, "12")]
    assert 'id="more-figures"' in html
    response, _ = track_page(viewer, track, as_of="2025-07-02")
    (group,) = response.context["dashboard"].figures
    assert [(c.figure.claimed_by, c.figure.amount) for c in group.claims] == [(israel, "10"), (hamas, "20")]


def test_the_meeting_chart_of_a_busy_track_counts_the_months_of_its_latest_meetings(viewer, monkeypatch):
    monkeypatch.setattr(selectors, "PAIR_MEETINGS", 2)
    track = f.TrackFactory(slug="gaza")
    israel, qatar = f.StateFactory(name="Israel"), f.StateFactory(name="Qatar")
    for day in (D(2025, 5, 10), D(2025, 6, 10), D(2025, 7, 1), D(2025, 7, 2)):
        meeting = f.MeetingFactory(starts_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))
        meeting.tracks.add(track)
        for actor in (israel, qatar):
            f.ParticipantFactory(meeting=meeting, actor=actor)

    response, html = chart_part(viewer, track, as_of="2025-07-10")
    chart = response.context["meeting_frequency"]
    # The 2nd latest meeting is in July, the day's month: July alone.
    assert (chart.since, chart.shortened, chart.months) == (D(2025, 7, 1), True, [D(2025, 7, 1)])
    assert [pair.total for pair in chart.pairs] == [2] and 'id="pairs-window"' in html
    response, html = chart_part(viewer, track, as_of="2025-06-30")
    chart = response.context["meeting_frequency"]
    # The 2nd latest by then is in May: the whole months after it.
    assert (chart.since, [pair.total for pair in chart.pairs]) == (D(2025, 6, 1), [1])
    monkeypatch.setattr(selectors, "PAIR_MEETINGS", 5)
    response, html = chart_part(viewer, track, as_of="2025-07-10")
    chart = response.context["meeting_frequency"]
    assert not chart.shortened and [pair.total for pair in chart.pairs] == [4] and 'id="pairs-window"' not in html


def test_the_index_counts_the_last_meeting_up_to_the_end_of_today(viewer):
    today = datetime.datetime.now(datetime.UTC).date()
    track = f.TrackFactory(slug="gaza")
    for moment in (
        datetime.datetime.combine(today, datetime.time(23, 30), tzinfo=datetime.UTC),
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=datetime.UTC),
    ):
        f.MeetingFactory(starts_at=moment, status="scheduled").tracks.add(track)
    (row,) = viewer.get(reverse("dashboard")).context["tracks"]
    assert row.last_activity == today and row.track.meeting_count == 2


# Record pages ----------------------------------------------------------------------------------------


def test_an_actor_page_lists_its_latest_proposals_and_links_to_the_rest(viewer, monkeypatch):
    monkeypatch.setattr(record_selectors, "RELATED_LIMIT", 2)
    actor = f.StateFactory(name="Qatar", slug="qatar")
    proposals = [f.ProposalFactory(proposer=actor, title=f"Plan {n}") for n in range(3)]
    response = viewer.get(reverse("actor", kwargs={"slug": actor.slug}))
    assert response.context["page"].proposals == proposals[:0:-1]  # recorded last first
    assert 'id="more-proposals"' in response.content.decode()
    assert f"{reverse('api:proposal-list')}?proposer=qatar" in response.content.decode()


def test_a_sticking_point_page_shows_each_partys_latest_positions_and_links_to_the_earlier(viewer, monkeypatch):
    monkeypatch.setattr(record_selectors, "POSITIONS_PER_PARTY", 2)
    point = f.StickingPointFactory(slug="aid")
    israel, hamas = f.StateFactory(name="Israel", slug="israel"), f.ActorFactory(name="Hamas", slug="hamas")
    theirs = [f.PositionFactory(sticking_point=point, actor=israel, stated_on=D(2025, 7, d)) for d in (1, 2, 3)]
    f.PositionFactory(sticking_point=point, actor=hamas, stated_on=D(2025, 7, 1))
    response = viewer.get(reverse("sticking-point", kwargs={"slug": point.slug}))
    parties = {party.actor.name: party for party in response.context["page"].parties}
    assert [row.position for row in parties["Israel"].positions] == theirs[:0:-1]
    assert (parties["Israel"].earlier, parties["Hamas"].earlier) == (1, 0)
    html = response.content.decode()
    assert html.count('class="muted earlier"') == 1
    assert f"{reverse('api:position-list')}?sticking_point=aid&amp;actor=israel" in html
