"""The dashboard pages: / lists the tracks, /tracks/<slug>/ shows one as of any day. Each answers in the
same number of queries whatever the size of the record."""

import datetime
import html as html_module
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from negotiations import selectors
from negotiations.models import Phase, Proposal, StickingPoint, Track, TrackActor
from news.models import Article
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2025, 7, 10)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def build_track(size: int, *, slug: str = "gaza") -> Track:
    """A track with `size` of every kind of record, each kind dated both inside and before the week up to
    AS_OF, every record cited: the page must read them all in the same queries."""
    track = f.TrackFactory(name="Gaza ceasefire", slug=slug)
    israel, hamas = f.StateFactory(name="Israel"), f.ActorFactory(name="Hamas")
    qatar, egypt = f.StateFactory(name="Qatar"), f.StateFactory(name="Egypt")
    for actor, role in ((israel, "party"), (hamas, "party"), (qatar, "mediator"), (egypt, "guarantor")):
        f.TrackActorFactory(track=track, actor=actor, role=role)
    f.PhaseFactory(track=track, sequence=1, name="First phase", status="active", starts_on=D(2025, 7, 1))
    f.PhaseFactory(track=track, sequence=2, name="Second phase", status="planned", deadline=D(2025, 9, 1))
    for n in range(size):
        for day in (D(2025, 7, 1), D(2025, 7, 8)):
            meeting = f.MeetingFactory(starts_at=at(day), status="held")
            meeting.tracks.add(track)
            f.ParticipantFactory(meeting=meeting, actor=israel)
            f.ParticipantFactory(meeting=meeting, actor=qatar)
            f.CitationFactory(record=meeting)
        first = f.ProposalFactory(track=track, proposer=qatar)
        later = f.ProposalFactory(track=track, proposer=qatar, previous_version=first, relation="supersedes")
        for proposal, day in ((first, D(2025, 7, 2)), (later, D(2025, 7, 9))):
            f.ProposalEventFactory(proposal=proposal, occurred_on=day, actor=qatar)
            f.ResponseFactory(proposal=proposal, actor=hamas, responded_on=day)
            term = f.TermFactory(proposal=proposal, key=f"hostages-{n}", kind="living_hostages", unit="people")
            f.DeliveryFactory(term=term, delivered_on=D(2025, 7, 9), quantity=Decimal(2))
        point = f.StickingPointFactory(track=track)
        f.StatusChangeFactory(sticking_point=point, status="open", changed_on=D(2025, 7, 1))
        f.StatusChangeFactory(sticking_point=point, status="narrowing", changed_on=D(2025, 7, 9))
        for actor, day in ((israel, D(2025, 7, 1)), (hamas, D(2025, 7, 9))):
            position = f.PositionFactory(sticking_point=point, actor=actor, stated_on=day)
            f.CitationFactory(record=position)
        figure = f.FigureFactory(track=track, metric=f"metric-{n}", claimed_by=israel, as_of=D(2025, 7, 5))
        f.CitationFactory(record=figure)
        f.FigureFactory(track=track, metric=f"metric-{n}", claimed_by=hamas, value=Decimal(50), as_of=D(2025, 7, 6))
        feed = f.FeedFactory(consecutive_errors=n % 2, last_error="timed out" if n % 2 else "")
        f.ArticleFactory(feed=feed)
    return track


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def track_url(track: Track, **query) -> str:
    url = reverse("track", kwargs={"slug": track.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def column_of(response, title: str) -> str:
    """The status column the sticking point's card stands in, read off the page."""
    html = response.content.decode()
    for column in re.findall(r'<section class="column".*?</section>', html, flags=re.S):
        if title in column:
            return re.search(r'data-status="(\w+)"', column).group(1)
    raise AssertionError(f"{title} is on no column")


# Queries, in order: the request's savepoint (ATOMIC_REQUESTS), the session, the user, the user's and the
# groups' permissions, then
# index: the tracks with their counts and latest dates, their parties, their phases; the navigation's groups;
# the savepoint's release.
INDEX_QUERIES = 10
# track: the track, its actors, its phases; the proposals, their terms, the terms' deliveries; the timeline
# (meetings, their participants, proposal events, responses, status changes, positions), whose first page,
# unfiltered, also gives what changed; the board (points, positions, the positions' citations); the
# figures and their citations; the news intake (feed totals, feeds, pending, waiting); the navigation's
# groups; the savepoint's release.
TRACK_QUERIES = 28
# the track page's chart part (htmx): the track; the chart's window (the track's PAIR_MEETINGS-th latest
# meeting), the pairs by month and their actors; the savepoint's release.
CHART_QUERIES = 10


@pytest.mark.parametrize("size", [1, 4])
def test_the_index_reads_a_fixed_number_of_queries(viewer, size, django_assert_num_queries):
    for n in range(size):
        build_track(2, slug=f"track-{n}")
    with django_assert_num_queries(INDEX_QUERIES):
        response = viewer.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/tracks/track-') == size


@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"as_of": "2025-07-10"}, TRACK_QUERIES),
        ({}, TRACK_QUERIES),
        # One kind in the timeline: one source read instead of five, and what changed read on its own (the
        # timeline's six queries).
        ({"as_of": "2025-07-10", "kind": "position"}, TRACK_QUERIES - 5 + 6),
        # An older page of the timeline: what changed read on its own too.
        ({"as_of": "2025-07-10", "page": 2}, TRACK_QUERIES + 6),
    ],
)
def test_the_track_page_reads_a_fixed_number_of_queries(viewer, size, query, expected, django_assert_num_queries):
    track = build_track(size)
    with django_assert_num_queries(expected):
        response = viewer.get(track_url(track, **query))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert sum(len(column.cards) for column in dashboard.board) == size
    if query:
        # Each round's meeting, proposal event, response, status change and position of the week, up to the cap.
        assert len(dashboard.changes) == min(5 * size, selectors.CHANGES_LENGTH)
        assert dashboard.more_changes == (5 * size > selectors.CHANGES_LENGTH)


def test_the_index_lists_each_track_with_its_phase_parties_activity_and_counts(viewer):
    track = build_track(2)
    f.TrackFactory(name="Quiet track", slug="quiet")
    response = viewer.get(reverse("dashboard"))
    html = response.content.decode()
    rows = {row.track.slug: row for row in response.context["tracks"]}
    gaza = rows["gaza"]
    assert [actor.name for actor in gaza.parties] == ["Hamas", "Israel"]
    assert gaza.current_phase.name == "First phase"
    assert gaza.last_activity == D(2025, 7, 9)
    assert (gaza.track.meeting_count, gaza.track.proposal_count, gaza.track.sticking_point_count) == (4, 4, 2)
    assert rows["quiet"].last_activity is None and rows["quiet"].track.meeting_count == 0
    assert f'href="{reverse("track", kwargs={"slug": track.slug})}"' in html
    assert "/api/v1/tracks/?format=csv" in html


def test_anonymous_visitors_are_sent_to_log_in_and_users_without_a_role_are_refused(client):
    track = build_track(1)
    for url in (reverse("dashboard"), track_url(track)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(get_user_model().objects.create_user("nobody", password="a-long-demo-password"))
    assert client.get(track_url(track)).status_code == 403
    assert client.get(reverse("dashboard")).status_code == 403


def test_as_of_rebuilds_the_board_the_statuses_and_the_stances(viewer):
    track = f.TrackFactory(slug="gaza")
    israel = f.StateFactory(name="Israel")
    point = f.StickingPointFactory(track=track, title="Withdrawal lines")
    f.StatusChangeFactory(sticking_point=point, status="open", changed_on=D(2025, 7, 6))
    f.StatusChangeFactory(sticking_point=point, status="deadlocked", changed_on=D(2025, 7, 12))
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=D(2025, 7, 6), stance="open_to_compromise")
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=D(2025, 7, 12), stance="rejects")
    later = f.StickingPointFactory(track=track, title="Disarmament")
    f.StatusChangeFactory(sticking_point=later, status="open", changed_on=D(2025, 12, 28))
    proposal = f.ProposalFactory(track=track, title="Truce plan")
    f.ProposalEventFactory(proposal=proposal, kind="tabled", occurred_on=D(2025, 7, 1))
    f.ProposalEventFactory(proposal=proposal, kind="rejected", occurred_on=D(2025, 7, 11))

    then = viewer.get(track_url(track, as_of="2025-07-08"))
    assert column_of(then, "Withdrawal lines") == "open"
    assert "Disarmament" not in then.content.decode()  # no dated fact yet
    assert "Open to compromise" in then.content.decode() and "Rejects" not in then.content.decode()
    assert [row.proposal.status for row in then.context["dashboard"].proposals] == ["tabled"]
    assert "<td>Tabled</td>" in then.content.decode()

    now = viewer.get(track_url(track))
    assert column_of(now, "Withdrawal lines") == "deadlocked"
    assert column_of(now, "Disarmament") == "open"
    assert [row.proposal.status for row in now.context["dashboard"].proposals] == ["rejected"]
    assert "<td>Rejected</td>" in now.content.decode()


def test_what_changed_covers_the_seven_days_before_or_the_chosen_since_date(viewer):
    track = f.TrackFactory(slug="gaza")
    point = f.StickingPointFactory(track=track, title="Aid")
    for day in (D(2025, 7, 1), D(2025, 7, 5), D(2025, 7, 9), D(2025, 7, 11)):
        f.StatusChangeFactory(sticking_point=point, status="open", changed_on=day)
    default = viewer.get(track_url(track, as_of="2025-07-10")).context["dashboard"]
    assert default.since == D(2025, 7, 3)
    assert [entry.on for entry in default.changes] == [D(2025, 7, 9), D(2025, 7, 5)]  # newest first, not after 10
    chosen = viewer.get(track_url(track, as_of="2025-07-10", since="2025-07-08"))
    assert [entry.on for entry in chosen.context["dashboard"].changes] == [D(2025, 7, 9)]
    assert 'value="2025-07-08"' in chosen.content.decode()


def test_the_current_phase_shows_its_deadline_and_the_days_left(viewer):
    track = f.TrackFactory(slug="gaza")
    f.PhaseFactory(
        track=track, sequence=1, name="Truce", status="active", starts_on=D(2025, 7, 1), deadline=D(2025, 7, 20)
    )
    f.PhaseFactory(track=track, sequence=2, name="Talks", status="planned")
    before = viewer.get(track_url(track, as_of="2025-07-10"))
    assert before.context["dashboard"].current_phase.phase.name == "Truce"
    assert '<strong class="days-left">10 days left</strong>' in before.content.decode()
    after = viewer.get(track_url(track, as_of="2025-07-21"))
    assert '<strong class="days-left">1 day ago</strong>' in after.content.decode()
    assert viewer.get(track_url(track, as_of="2025-06-30")).context["dashboard"].current_phase is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("as_of=2025-13-01", "Enter a valid date."),
        ("as_of=yesterday", "Enter a valid date."),
        ("since=2025-07-09&as_of=2025-07-01", "must be on or before the “as of” date"),
        ("kind=rumour", "Select a valid choice."),
        ("actor=nobody-at-all", "No actor has the slug “nobody-at-all”."),
    ],
)
def test_a_bad_parameter_is_a_400_page_that_names_it(viewer, query, message):
    track = f.TrackFactory(slug="gaza")
    response = viewer.get(f"{track_url(track)}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "This page could not be shown" in html
    assert 'id="board"' not in html and "dashboard" not in response.context


def test_an_unknown_track_is_a_404(viewer):
    assert viewer.get(reverse("track", kwargs={"slug": "nowhere"})).status_code == 404


def test_the_timeline_filters_by_kind_and_by_actor(viewer):
    track = build_track(1)
    hamas = track.actors.get(name="Hamas")
    only_positions = viewer.get(track_url(track, kind="position")).context["dashboard"].timeline
    assert only_positions and {entry.kind for entry in only_positions} == {"position"}
    theirs = viewer.get(track_url(track, actor=hamas.slug)).context["dashboard"].timeline
    assert theirs and all(hamas in entry.actors or entry.kind == "status_change" for entry in theirs)
    assert {entry.kind for entry in theirs} >= {"response", "position"}
    assert "meeting" not in {entry.kind for entry in theirs}  # Hamas sat in none


def test_proposal_versions_are_compared_term_by_term_and_deliveries_add_up_or_stand(viewer):
    track = f.TrackFactory(slug="gaza")
    first = f.ProposalFactory(track=track, title="Plan", version_label="v1")
    f.ProposalEventFactory(proposal=first, occurred_on=D(2025, 7, 1))
    f.TermFactory(proposal=first, key="hostages", kind="living_hostages", quantity=Decimal(10), unit="people")
    f.TermFactory(proposal=first, key="aid", kind="aid_channel", quantity=Decimal(600), unit="trucks_per_day")
    second = f.ProposalFactory(track=track, title="Plan", version_label="v2", previous_version=first, relation="amends")
    f.ProposalEventFactory(proposal=second, occurred_on=D(2025, 7, 5))
    hostages = f.TermFactory(
        proposal=second, key="hostages", kind="living_hostages", quantity=Decimal(8), unit="people"
    )
    trucks = f.TermFactory(proposal=second, key="aid", kind="aid_channel", quantity=Decimal(600), unit="trucks_per_day")
    f.TermFactory(proposal=second, key="guarantee", kind="guarantee", quantity=None, unit="", text="A US letter.")
    for day, freed, rate in ((D(2025, 7, 6), 3, 200), (D(2025, 7, 8), 2, 450)):
        f.DeliveryFactory(term=hostages, delivered_on=day, quantity=Decimal(freed))
        f.DeliveryFactory(term=trucks, delivered_on=day, quantity=Decimal(rate))

    response = viewer.get(track_url(track))
    versions = next(row for row in response.context["dashboard"].proposals if row.proposal == second)
    assert versions.previous == first
    assert {row.key: row.change for row in versions.changes} == {
        "hostages": "changed",
        "aid": "same",
        "guarantee": "added",
    }
    html = response.content.decode()
    assert '<tr class="change-changed">' in html and '<tr class="change-added">' in html
    planned = {
        (row.proposal.version_label, row.term.key): row for row in response.context["dashboard"].planned_delivered
    }
    assert (planned["v2", "hostages"].delivered, planned["v2", "hostages"].percent) == (Decimal(5), 62)
    assert (planned["v2", "aid"].delivered, planned["v2", "aid"].percent) == (Decimal(450), 75)  # the latest rate
    earlier = viewer.get(track_url(track, as_of="2025-07-06")).context["dashboard"].planned_delivered
    assert {(row.proposal.version_label, row.term.key): row.delivered for row in earlier}["v2", "hostages"] == 3


@pytest.mark.parametrize("size", [1, 5])
def test_the_chart_part_reads_a_fixed_number_of_queries(viewer, size, django_assert_num_queries):
    track = build_track(size)
    url = reverse("track-meetings", kwargs={"slug": track.slug}) + "?as_of=2025-07-10"
    with django_assert_num_queries(CHART_QUERIES):
        response = viewer.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["meeting_frequency"].pairs


def test_the_meeting_chart_has_its_numbers_in_a_table_beside_it(viewer):
    track = build_track(2)
    page = viewer.get(track_url(track, as_of="2025-07-10")).content.decode()
    # The track page loads the chart's part on its own, for the same day; without JavaScript, a link opens it.
    part_url = reverse("track-meetings", kwargs={"slug": track.slug}) + "?as_of=2025-07-10"
    assert f'hx-get="{part_url}" hx-trigger="load"' in page
    assert f'<a href="{part_url}">' in page

    part = viewer.get(part_url, HTTP_HX_REQUEST="true")
    assert part["Vary"] and "HX-Request" in part["Vary"]
    html = part.content.decode()
    assert "<html" not in html  # the fragment alone
    chart = re.search(r'<canvas id="meeting-frequency-chart" data-chart="(.*?)"', html).group(1)
    data = json.loads(html_module.unescape(chart))
    assert data == {"labels": ["Jul 2025"], "datasets": [{"label": "Israel – Qatar", "data": [4]}]}
    table = re.search(r'<table id="meeting-frequency-table">.*?</table>', html, flags=re.S).group(0)
    assert "Israel – Qatar" in table and re.search(r'<th scope="row">Jul 2025</th><td class="num">4</td>', table)
    assert '<canvas id="meeting-frequency-chart"' in html
    assert "<script>" not in html and "onclick" not in html  # the chart's data is JSON, its code a file

    whole = viewer.get(part_url).content.decode()  # without htmx: a page of its own, with the chart's script
    assert "<html" in whole and "negotiations/dashboard.js" in whole and 'id="meeting-frequency-table"' in whole
    assert viewer.get(reverse("track-meetings", kwargs={"slug": track.slug}) + "?as_of=nope").status_code == 400


def test_figures_stand_side_by_side_with_their_claimants_and_sources(viewer):
    track = build_track(1)
    dashboard = viewer.get(track_url(track)).context["dashboard"]
    (group,) = dashboard.figures
    assert [(claim.figure.claimed_by.name, claim.figure.amount) for claim in group.claims] == [
        ("Israel", "49"),
        ("Hamas", "50"),
    ]
    assert group.disputed
    assert len(group.claims[0].sources) == 1 and group.claims[1].sources == []


def test_each_stance_on_the_board_links_to_its_source(viewer):
    track = build_track(1)
    citation_urls = [c.url for c in f.CitationFactory._meta.model.objects.filter(content_type__model="position")]
    html = viewer.get(track_url(track)).content.decode()
    board = re.search(r'<div class="board" id="board">.*?</section>\s*</div>', html, flags=re.S).group(0)
    assert citation_urls and all(f'href="{url}"' in board for url in citation_urls)


def test_the_news_intake_shows_feeds_errors_and_the_pending_queue(viewer):
    track = f.TrackFactory(slug="gaza")
    f.FeedFactory(title="Wire", consecutive_errors=3, last_error="HTTP 503 from the server")
    f.FeedFactory(title="Daily")
    f.ArticleFactory.create_batch(3)
    f.ArticleFactory(review_state=Article.ReviewState.REJECTED, reviewed_at=at(D(2025, 7, 1)))
    response = viewer.get(track_url(track))
    ingestion = response.context["ingestion"]
    assert (ingestion.feed_count, ingestion.failing_count, ingestion.pending) == (
        6,
        1,
        3,
    )  # the articles' own feeds too
    assert ingestion.feeds[0].title == "Wire"
    assert "HTTP 503 from the server" in response.content.decode()


def test_every_list_links_to_the_apis_csv_export_and_the_links_answer(viewer):
    track = build_track(1)
    html = viewer.get(track_url(track, as_of="2025-07-10")).content.decode()
    links = {link.replace("&amp;", "&") for link in re.findall(r'href="(/api/v1/[^"]*format=csv[^"]*)"', html)}
    assert {link.split("?")[0] for link in links} >= {
        "/api/v1/actors/",
        "/api/v1/meetings/",
        "/api/v1/sticking-points/",
        "/api/v1/proposals/",
        "/api/v1/figures/",
        "/api/v1/feeds/",
    }
    for link in links:
        response = viewer.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/csv")
    meetings = next(link for link in links if "date_from" in link)
    body = b"".join(viewer.get(meetings).streaming_content).decode()
    assert body.count("\n") == 1 + 1  # the header and the week's one meeting


def test_a_viewer_sees_no_editing_action(viewer):
    track = build_track(1)
    main = viewer.get(track_url(track)).content.decode().split('<main id="main"', 1)[1]
    assert 'method="post"' not in main and "/admin/" not in main


def test_demo_phase_and_parties_link_to_their_actor_pages(viewer):
    track = build_track(1)
    html = viewer.get(track_url(track)).content.decode()
    for row in TrackActor.objects.filter(track=track).select_related("actor"):
        assert f'href="{reverse("actor", kwargs={"slug": row.actor.slug})}"' in html
    assert Phase.objects.filter(track=track).count() == 2 and "Second phase" in html
    assert StickingPoint.objects.filter(track=track).exists() and Proposal.objects.filter(track=track).exists()
