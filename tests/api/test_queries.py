"""Every list and detail endpoint costs the same number of queries at any data size.

The whole record is built at two sizes (every kind of row, and the nested rows of each record,
grow with the size); each list (one page holds every row) and one detail per resource are read
as a viewer. The counts must equal EXPECTED exactly at both sizes.
"""

import datetime

import pytest
from django.urls import reverse

from tests import factories as f

# (list, detail), the same on SQLite and PostgreSQL. Every request pays 6 before the view reads
# anything: the session, the user, the savepoint pair of ATOMIC_REQUESTS and the user's and its
# groups' permissions (the role check). A list then adds its count and its page, a detail its
# object; then one query per nested kind of row (prefetched for the whole page, never per row),
# and one for the content type of the generic citation relation (the cache is cleared first):
# - actors: aliases, identifiers, affiliations (organisation joined);
# - tracks: track actors (actor joined), phases, citations + content type;
# - meetings: tracks, participants (actor and delegation joined), proposals (status annotated),
#   sticking points (status annotated), citations + content type;
# - proposals: channel, events (actor joined), terms, their deliveries, responses (actor and
#   counter-proposal joined), citations + content type;
# - responses, positions, figures: citations + content type;
# - sticking points: status changes, positions (actor joined), citations + content type;
# - proposal events, sticking point statuses, citations, feeds: nothing nested (joins and
#   subquery annotations only);
# - articles: mentions (actor joined), suggestions (content type joined), then per kind of
#   suggested record (meeting, proposal, sticking point) its content type and its rows (3 × 2),
#   the duplicates' ids.
EXPECTED = {
    "actor": (11, 10),
    "track": (12, 11),
    "meeting": (14, 13),
    "proposal": (15, 14),
    "proposal-event": (8, 7),
    "response": (10, 9),
    "sticking-point": (12, 11),
    "sticking-point-status": (8, 7),
    "position": (10, 9),
    "figure": (10, 9),
    "citation": (8, 7),
    "feed": (8, 7),
    "article": (17, 16),
}


def build(size: int) -> dict[str, object]:
    """The whole record at `size`: returns, per resource, the object whose detail is read."""
    israel = f.StateFactory(name="Israel", slug="israel")
    people = f.ActorFactory.create_batch(size, country=israel)
    for person in people:
        f.AliasFactory.create_batch(2, actor=person)
        f.IdentifierFactory(actor=person)
        f.AffiliationFactory(actor=person, organisation=israel)
    f.AffiliationFactory.create_batch(size, actor=people[0], organisation=israel)

    tracks = f.TrackFactory.create_batch(size)
    for track in tracks:
        for person in people:
            f.TrackActorFactory(track=track, actor=person)
        f.PhaseFactory.create_batch(2, track=track)
        f.CitationFactory.create_batch(2, record=track)

    proposals = f.ProposalFactory.create_batch(size, track=tracks[0], proposer=israel)
    for index, proposal in enumerate(proposals):
        proposal.channel.set(people)
        f.ProposalEventFactory(proposal=proposal, actor=people[0])
        f.ProposalEventFactory(proposal=proposal, kind="violated", occurred_on=datetime.date(2025, 7, 9))
        for term in f.TermFactory.create_batch(2, proposal=proposal):
            f.DeliveryFactory(term=term)
        for person in people:
            response = f.ResponseFactory(proposal=proposal, actor=person, counter_proposal=proposals[index - 1])
            f.CitationFactory(record=response)
        f.CitationFactory(record=proposal)
    proposals[1].previous_version, proposals[1].relation = proposals[0], "supersedes"
    proposals[1].save()

    points = f.StickingPointFactory.create_batch(size, track=tracks[0])
    for point in points:
        f.StatusChangeFactory(sticking_point=point)
        f.CitationFactory(record=point)
        for person in people:
            position = f.PositionFactory(sticking_point=point, actor=person)
            f.CitationFactory(record=position)

    meetings = f.MeetingFactory.create_batch(size, country=israel)
    for meeting in meetings:
        meeting.tracks.set(tracks)
        meeting.proposals.set(proposals)
        meeting.sticking_points.set(points)
        for person in people:
            f.ParticipantFactory(meeting=meeting, actor=person, representing=israel)
        f.CitationFactory(record=meeting)

    figures = f.FigureFactory.create_batch(size, claimed_by=israel, track=tracks[0])
    for figure in figures:
        f.CitationFactory(record=figure)

    feeds = f.FeedFactory.create_batch(size)
    articles = [f.ArticleFactory(feed=feed) for feed in feeds for _ in range(2)]
    for article in articles:
        for person in people:
            f.MentionFactory(article=article, actor=person)
        for record in (meetings[0], proposals[0], points[0]):
            f.SuggestionFactory(article=article, record=record)
        f.CitationFactory(record=figures[0], article=article)
    for copy in articles[1:]:
        copy.duplicate_of, copy.review_state, copy.reviewed_at = articles[0], "duplicate", copy.published_at
        copy.save()

    return {
        "actor": people[0],
        "track": tracks[0],
        "meeting": meetings[0],
        "proposal": proposals[1],
        "proposal-event": proposals[0].events.first(),
        "response": proposals[0].responses.first(),
        "sticking-point": points[0],
        "sticking-point-status": points[0].status_changes.first(),
        "position": points[0].positions.first(),
        "figure": figures[0],
        "citation": meetings[0].citations.first(),
        "feed": feeds[0],
        "article": articles[0],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 7])
def test_api_query_counts_do_not_grow_with_rows(client_for, count_queries, size):
    focus = build(size)
    client = client_for("viewer")
    counts = {}
    for name, record in focus.items():
        listed, list_queries = count_queries(client, reverse(f"api:{name}-list"))
        assert listed.json()["count"] >= size, name
        detail, detail_queries = count_queries(client, reverse(f"api:{name}-detail", args=[record.pk]))
        assert detail.json()["id"] == record.pk
        counts[name] = (list_queries, detail_queries)
    assert counts == EXPECTED


@pytest.mark.django_db
def test_a_cursor_page_costs_one_query_less_than_a_numbered_page(client_for, count_queries):
    build(2)
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    _, numbered = count_queries(client, url)
    _, cursor = count_queries(client, url + "?pagination=cursor")
    assert cursor == numbered - 1 == EXPECTED["meeting"][0] - 1
