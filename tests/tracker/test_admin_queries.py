"""Every admin changelist and change form costs the same number of queries at any data size.

Each test builds the whole record at one size (every top-level record, and the
inline rows of the records whose forms are opened, grow with it) and opens
every registered changelist and one change form per model. The counts must
equal EXPECTED exactly, at both sizes.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import Tombstone
from tests import factories as f

# (changelist, change form), the same on SQLite and PostgreSQL. Every page
# pays 4 for the request: session, user, and the savepoint pair of
# ATOMIC_REQUESTS. A changelist adds its count and its page, one query per
# prefetch (the citation list prefetches each cited kind of record: one per
# content type, never per row), and one per list filter that lists values
# from the database. A change form adds the object, one query per inline
# formset (select_related gives each row's autocomplete its object) and one
# per many-to-many autocomplete widget; the meeting form also reads the
# meeting's time zone first, to show its times in it.
EXPECTED = {
    "actors.actor": (6, 10),
    "actors.alias": (8, 6),
    "actors.affiliation": (9, 6),
    "negotiations.track": (7, 10),
    "negotiations.phase": (7, 6),
    "negotiations.meeting": (10, 16),
    "negotiations.proposal": (9, 13),
    "negotiations.term": (6, 8),
    "negotiations.response": (8, 7),
    "negotiations.stickingpoint": (7, 9),
    "negotiations.position": (9, 7),
    "negotiations.figure": (10, 7),
    "negotiations.citation": (20, 9),
    "news.feed": (7, 7),
    # The article form prefetches each suggested record kind (meeting, proposal, sticking point): one each.
    "news.article": (10, 14),
    "news.tombstone": (6, 6),
}


def build(size: int) -> dict[str, object]:
    """The whole record at `size`: returns, per model label, the object whose change form is opened."""
    israel = f.StateFactory(name="Israel", slug="israel")
    people = f.ActorFactory.create_batch(size)
    for person in people:
        f.AliasFactory.create_batch(2, actor=person)
        f.IdentifierFactory(actor=person)
        f.AffiliationFactory(actor=person, organisation=israel)
        f.CitationFactory(record=person)
    focus_actor = people[0]
    f.AffiliationFactory.create_batch(size, actor=focus_actor, organisation=israel)

    track = f.TrackFactory()
    for person in people:
        f.TrackActorFactory(track=track, actor=person)
    f.PhaseFactory.create_batch(size, track=track)
    f.CitationFactory.create_batch(size, record=track)

    proposals = f.ProposalFactory.create_batch(size, track=track, proposer=israel)
    focus_proposal = proposals[0]
    focus_proposal.channel.set(people)
    for proposal in proposals:
        f.ProposalEventFactory(proposal=proposal)
        f.TermFactory(proposal=proposal)
        f.ResponseFactory(proposal=proposal, actor=people[0])
        f.CitationFactory(record=proposal)
    for person in people:
        f.ResponseFactory(proposal=focus_proposal, actor=person)
        f.ProposalEventFactory(proposal=focus_proposal, actor=person, kind="responded")
    terms = f.TermFactory.create_batch(size, proposal=focus_proposal)
    focus_term = terms[0]
    f.DeliveryFactory.create_batch(size, term=focus_term)

    points = f.StickingPointFactory.create_batch(size, track=track)
    focus_point = points[0]
    for point in points:
        f.StatusChangeFactory(sticking_point=point)
        f.CitationFactory(record=point)
    for day, person in enumerate(people):
        f.StatusChangeFactory(sticking_point=focus_point, changed_on=datetime.date(2025, 8, 1 + day))
        f.PositionFactory(sticking_point=focus_point, actor=person)
    positions = f.PositionFactory.create_batch(size, sticking_point=points[-1], actor=people[-1])

    meetings = f.MeetingFactory.create_batch(size)
    focus_meeting = meetings[0]
    for meeting in meetings:
        meeting.tracks.add(track)
        f.ParticipantFactory(meeting=meeting, actor=people[0], representing=israel)
        f.CitationFactory(record=meeting)
    for person in people[1:]:
        f.ParticipantFactory(meeting=focus_meeting, actor=person, representing=israel)
    focus_meeting.proposals.set(proposals)
    focus_meeting.sticking_points.set(points)

    figures = f.FigureFactory.create_batch(size, claimed_by=israel)
    for figure in figures:
        f.CitationFactory(record=figure)

    feeds = f.FeedFactory.create_batch(size)
    articles = [f.ArticleFactory(feed=feed) for feed in feeds]
    for _ in range(size):
        f.FeedPollFactory(feed=feeds[0])
        f.TombstoneFactory()
    for person in people:
        f.MentionFactory(article=articles[0], actor=person)
    for record in [focus_meeting, focus_proposal, focus_point]:
        f.SuggestionFactory(article=articles[0], record=record)
    citations = [f.CitationFactory(record=figures[0], article=article) for article in articles]
    f.CitationFactory.create_batch(size, record=focus_meeting, article=articles[0])
    responses = list(focus_proposal.responses.all())

    return {
        "actors.actor": focus_actor,
        "actors.alias": focus_actor.aliases.first(),
        "actors.affiliation": focus_actor.affiliations.first(),
        "negotiations.track": track,
        "negotiations.phase": track.phases.first(),
        "negotiations.meeting": focus_meeting,
        "negotiations.proposal": focus_proposal,
        "negotiations.term": focus_term,
        "negotiations.response": responses[0],
        "negotiations.stickingpoint": focus_point,
        "negotiations.position": positions[0],
        "negotiations.figure": figures[0],
        "negotiations.citation": citations[0],
        "news.feed": feeds[0],
        "news.article": articles[0],
        "news.tombstone": Tombstone.objects.first(),
    }


def measure(client, focus: dict[str, object]) -> dict[str, tuple[int, int]]:
    counts = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label not in focus:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        change = reverse("admin:{}_{}_change".format(*info), args=[focus[label].pk])
        # A cold content-type cache on every page, so no page borrows another's lookups.
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as listed:
            assert client.get(changelist).status_code == 200
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as opened:
            assert client.get(change).status_code == 200
        counts[label] = (len(listed), len(opened))
    return counts


def test_every_registered_record_admin_is_measured():
    ours = {
        m._meta.label_lower for m in admin.site._registry if m._meta.app_label in {"actors", "negotiations", "news"}
    }
    assert ours == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 7])
def test_admin_query_counts_do_not_grow_with_rows(client_for, size):
    focus = build(size)
    client = client_for("administrator")
    assert measure(client, focus) == EXPECTED
