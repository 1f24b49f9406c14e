"""The record pages: an actor, a meeting, a proposal and a sticking point, each with its sources, its change
history and links to related records, for every role that may view the record."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import status

from actors.models import Alias
from negotiations.models import Citation, Meeting, Position, Proposal, ProposalEvent, Response, StickingPoint
from tests import factories as f

pytestmark = pytest.mark.django_db


def edited(record, user, **changes):
    """Save a change as `user` made it (simple-history records the user from `_history_user`)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()
    del record._history_user  # later changes (a many-to-many add in a factory) are nobody's
    return record


def cite(record, n: int = 0, **fields):
    values = {"url": f"https://news.example/{record._meta.model_name}/{record.pk}/{n}", "publisher": "Al Jazeera"}
    return f.CitationFactory(record=record, **(values | fields))


def html(response) -> str:
    assert response.status_code == status.HTTP_200_OK, response.status_code
    return response.content.decode()


# Data of a size: `size` of every repeated thing (sources, history rows, meetings, positions…) ------------


def actor_of_size(size: int, user):
    actor = f.ActorFactory(name="Mahmoud Abbas", slug="mahmoud-abbas", kind="person")
    f.AliasFactory(actor=actor, name="محمود عباس", language="ar")
    state = f.StateFactory(name="Palestine", slug="palestine")
    edited(actor, user, country=state)
    for n in range(size):
        f.AliasFactory(actor=actor, name=f"Abu Mazen {n}", language="en")
        f.IdentifierFactory(actor=actor)
        f.AffiliationFactory(actor=actor, organisation=state, title=f"Office {n}")
        meeting = f.MeetingFactory()
        f.ParticipantFactory(meeting=meeting, actor=actor, representing=state)
        f.PositionFactory(actor=actor)
        f.ProposalFactory(proposer=actor)
        f.TrackActorFactory(actor=actor)
        cite(actor, n, quote=f"Quoted passage {n}")
        edited(actor, user, description=f"Version {n}")
    return actor


def meeting_of_size(size: int, user):
    meeting = f.MeetingFactory(title="White House dinner", country=f.StateFactory(name="United States", slug="usa"))
    for n in range(size):
        f.ParticipantFactory(meeting=meeting, representing=f.StateFactory())
        meeting.tracks.add(f.TrackFactory())
        meeting.proposals.add(f.ProposalFactory())
        meeting.sticking_points.add(f.StickingPointFactory())
        cite(meeting, n, quote=f"Quoted passage {n}")
        edited(meeting, user, summary=f"Version {n}")
    return meeting


def proposal_of_size(size: int, user):
    proposal = f.ProposalFactory(title="Sixty-day truce", slug="sixty-day-truce", version_label="v2")
    for n in range(size):
        proposal.channel.add(f.ActorFactory())
        f.ProposalEventFactory(proposal=proposal, occurred_on=datetime.date(2025, 7, 1 + n))
        term = f.TermFactory(proposal=proposal, position=n)
        f.DeliveryFactory(term=term)
        response = f.ResponseFactory(proposal=proposal)
        cite(response, n)
        f.ProposalFactory(previous_version=proposal, relation=Proposal.Relation.AMENDS)
        f.MeetingFactory().proposals.add(proposal)
        cite(proposal, n, quote=f"Quoted passage {n}")
        edited(proposal, user, summary=f"Version {n}")
    return proposal


def sticking_point_of_size(size: int, user):
    point = f.StickingPointFactory(title="Withdrawal maps", slug="withdrawal-maps")
    for n in range(size):
        f.StatusChangeFactory(sticking_point=point, changed_on=datetime.date(2025, 7, 1 + n))
        position = f.PositionFactory(sticking_point=point, stated_on=datetime.date(2025, 7, 1 + n))
        cite(position, n)
        f.MeetingFactory().sticking_points.add(point)
        cite(point, n, quote=f"Quoted passage {n}")
        edited(point, user, description=f"Version {n}")
    return point


PAGES = {
    "actor": (actor_of_size, lambda actor: reverse("actor", kwargs={"slug": actor.slug})),
    "meeting": (meeting_of_size, lambda meeting: reverse("meeting", kwargs={"pk": meeting.pk})),
    "proposal": (proposal_of_size, lambda proposal: reverse("proposal", kwargs={"slug": proposal.slug})),
    "sticking-point": (sticking_point_of_size, lambda point: reverse("sticking-point", kwargs={"slug": point.slug})),
}

# Every page: the session and its user, the savepoint pair of ATOMIC_REQUESTS, the user's own and its
# groups' permissions (the view permission), the user's groups (navigation); then the page's own reads.
COMMON = 2 + 2 + 2 + 1
PAGE_QUERIES = {
    # The actor (its country joined), aliases, identifiers, roles (organisation joined), track roles (track
    # joined), meetings (participation, meeting and representing joined), positions (sticking point
    # joined), proposals put forward, sources (articles joined); history of the actor, its aliases,
    # identifiers, roles and sources (each with its user and named records joined).
    "actor": 9 + 5,
    # The meeting (country joined) with its tracks, proposals and sticking points; participants (actors
    # joined); sources; history of the meeting (with its tracks, proposals and sticking points as they were:
    # one query each), its participants and its sources.
    "meeting": 4 + 1 + 1 + 3 + 3,
    # The proposal (status annotated; track, proposer and previous version joined), terms, their
    # deliveries, responses, the responses' sources, the meetings, the channel, events, later versions,
    # sources; history of the proposal (and its channel as it was), events, terms, deliveries, responses and
    # sources.
    "proposal": 10 + 6 + 1,
    # The sticking point (status annotated, track joined), positions (actors joined), their sources,
    # meetings, status changes, sources; history of the point, its status changes, positions and sources.
    "sticking-point": 6 + 4,
}


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("kind", list(PAGES))
def test_a_record_page_costs_the_same_queries_whatever_its_size(
    kind, size, client_for, role_users, django_assert_num_queries
):
    build, url = PAGES[kind]
    record = build(size, role_users["analyst"])
    viewer = client_for("viewer")
    with django_assert_num_queries(COMMON + PAGE_QUERIES[kind]):
        page = html(viewer.get(url(record)))
    assert page.count("<blockquote") == size  # every source shown, whatever the size
    assert page.count('class="history-user">analyst-user<') == size + (kind == "actor")


# Behaviour ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PAGES))
def test_an_unknown_record_is_a_404(kind, client_for):
    url = {
        "actor": reverse("actor", kwargs={"slug": "nobody"}),
        "meeting": reverse("meeting", kwargs={"pk": 999999}),
        "proposal": reverse("proposal", kwargs={"slug": "no-such-plan"}),
        "sticking-point": reverse("sticking-point", kwargs={"slug": "no-such-point"}),
    }[kind]
    assert client_for("viewer").get(url).status_code == status.HTTP_404_NOT_FOUND


@pytest.mark.parametrize("kind", list(PAGES))
def test_a_record_page_needs_a_sign_in_and_the_view_permission(kind, client, role_users):
    build, url = PAGES[kind]
    address = url(build(1, role_users["analyst"]))
    response = client.get(address)
    assert response.status_code == status.HTTP_302_FOUND and reverse("login") in response["Location"]
    client.force_login(get_user_model().objects.create_user(username="no-role", password="x-long-password-1"))
    assert client.get(address).status_code == status.HTTP_403_FORBIDDEN


@pytest.mark.parametrize("kind", list(PAGES))
def test_only_those_who_may_change_the_record_see_the_edit_link(kind, client_for, role_users):
    build, url = PAGES[kind]
    record = build(1, role_users["analyst"])
    admin_url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
    for role in ("analyst", "administrator"):
        page = html(client_for(role).get(url(record)))
        assert f'<a class="button" href="{admin_url}">Edit in admin</a>' in page
    for role in ("viewer", "editor"):
        page = html(client_for(role).get(url(record)))
        assert "Edit in admin" not in page and admin_url not in page
        assert "<form" not in page.split('<main id="main"', 1)[1]  # no editing action of any kind


def test_the_actor_page_shows_names_in_every_script_identifiers_roles_and_related_records(client_for, role_users):
    actor = actor_of_size(2, role_users["analyst"])
    page = html(client_for("viewer").get(reverse("actor", kwargs={"slug": actor.slug})))
    assert '<h1 dir="auto">Mahmoud Abbas</h1>' in page
    assert '<span dir="auto" lang="ar">محمود عباس</span>' in page
    assert "Arab" in page  # the script, detected from the name
    assert actor.identifiers.first().value in page
    assert "Office 1</td>" in page and reverse("actor", kwargs={"slug": "palestine"}) in page
    for participation in actor.participations.all():
        assert reverse("meeting", kwargs={"pk": participation.meeting_id}) in page
    for position in actor.positions.select_related("sticking_point"):
        assert reverse("sticking-point", kwargs={"slug": position.sticking_point.slug}) in page
    for role in actor.track_roles.select_related("track"):
        assert reverse("track", kwargs={"slug": role.track.slug}) in page


def test_identifiers_link_to_what_they_name_when_the_link_is_safe(client_for):
    actor = f.ActorFactory()
    f.IdentifierFactory(actor=actor, scheme="wikidata", value="Q38799")
    f.IdentifierFactory(actor=actor, scheme="website", value="javascript:alert(1)")
    f.IdentifierFactory(actor=actor, scheme="acled", value="Hamas")
    page = html(client_for("viewer").get(reverse("actor", kwargs={"slug": actor.slug})))
    assert '<a href="https://www.wikidata.org/wiki/Q38799" rel="noopener noreferrer"><code>Q38799</code></a>' in page
    assert "<dd><code>javascript:alert(1)</code></dd>" in page and "<dd><code>Hamas</code></dd>" in page


def test_the_meeting_page_shows_the_day_alone_when_the_time_is_unknown(client_for):
    noon_in_doha = datetime.datetime(2025, 7, 9, 9, 0, tzinfo=datetime.UTC)  # 12:00 in Asia/Qatar
    meeting = f.MeetingFactory(starts_at=noon_in_doha, time_zone="Asia/Qatar", time_known=False)
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert '<time datetime="2025-07-09">9 July 2025</time>' in page
    assert "time of day not reported" in page
    assert "12:00" not in page and "09:00" not in page and "noon" not in page.lower()

    edited(meeting, None, title="Renamed")  # the history does not show the stand-in hour either
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert "12:00" not in page and "09:00" not in page

    meeting.time_known = True
    meeting.save()
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert "9 July 2025, 12:00 +03" in page and 'datetime="2025-07-09T09:00:00+00:00"' in page


def test_the_meeting_page_links_participants_tracks_and_agenda(client_for, role_users):
    meeting = meeting_of_size(2, role_users["analyst"])
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert "Bilateral meeting" in page and reverse("actor", kwargs={"slug": "usa"}) in page
    for participant in meeting.participant_rows.select_related("actor", "representing"):
        assert reverse("actor", kwargs={"slug": participant.actor.slug}) in page
        assert reverse("actor", kwargs={"slug": participant.representing.slug}) in page
    for track in meeting.tracks.all():
        assert reverse("track", kwargs={"slug": track.slug}) in page
    for proposal in meeting.proposals.all():
        assert reverse("proposal", kwargs={"slug": proposal.slug}) in page


def test_the_proposal_page_shows_events_terms_planned_against_delivered_and_responses(client_for):
    proposal = f.ProposalFactory(title="Sixty-day truce", slug="sixty-day-truce")
    f.ProposalEventFactory(proposal=proposal, kind=ProposalEvent.Kind.TABLED, occurred_on=datetime.date(2025, 7, 1))
    f.ProposalEventFactory(proposal=proposal, kind=ProposalEvent.Kind.IN_FORCE, occurred_on=datetime.date(2025, 10, 10))
    term = f.TermFactory(
        proposal=proposal, kind="living_hostages", text="Ten living hostages", quantity=10, unit="people"
    )
    f.DeliveryFactory(term=term, quantity=Decimal(8), delivered_on=datetime.date(2025, 10, 13))
    f.DeliveryFactory(term=term, quantity=Decimal(2), delivered_on=datetime.date(2025, 10, 20))
    hamas = f.ActorFactory(name="Hamas", slug="hamas")
    f.ResponseFactory(
        proposal=proposal, actor=hamas, kind=Response.Kind.CONDITIONAL, responded_on=datetime.date(2025, 7, 4)
    )
    page = html(client_for("viewer").get(reverse("proposal", kwargs={"slug": proposal.slug})))
    assert '<strong>In force</strong> since <time datetime="2025-10-10">10 October 2025</time>' in page
    assert page.index("Entered into force") < page.index("Tabled</td>")  # latest event first
    assert "10 people" in page and "<strong>10 people</strong> in total" in page
    assert "13 Oct 2025</time>: 8" in page
    assert re.search(r'4 July 2025</time>\s*<span class="muted">·</span> <a href="/actors/hamas/"', page)
    assert "Conditional acceptance" in page
    assert reverse("track", kwargs={"slug": proposal.track.slug}) in page


def test_the_sticking_point_page_groups_positions_by_party_latest_first(client_for):
    point = f.StickingPointFactory(title="Withdrawal maps", slug="withdrawal-maps")
    israel, hamas = f.StateFactory(name="Israel", slug="israel"), f.ActorFactory(name="Hamas", slug="hamas")
    f.PositionFactory(sticking_point=point, actor=israel, stated_on=datetime.date(2025, 7, 6), summary="First map")
    f.PositionFactory(
        sticking_point=point,
        actor=israel,
        stated_on=datetime.date(2025, 7, 12),
        stance=Position.Stance.OPEN_TO_COMPROMISE,
        summary="Second map",
    )
    f.PositionFactory(sticking_point=point, actor=hamas, stated_on=datetime.date(2025, 7, 8), summary="Full pullback")
    f.StatusChangeFactory(sticking_point=point, status=StickingPoint.Status.OPEN, changed_on=datetime.date(2025, 7, 6))
    f.StatusChangeFactory(
        sticking_point=point, status=StickingPoint.Status.NARROWING, changed_on=datetime.date(2025, 7, 12)
    )
    page = html(client_for("viewer").get(reverse("sticking-point", kwargs={"slug": point.slug})))
    assert "<strong>Narrowing</strong> since" in page
    hamas_at, israel_at = page.index('href="/actors/hamas/"'), page.index('href="/actors/israel/"')
    assert hamas_at < israel_at  # parties by name
    assert page.index("Second map") < page.index("First map")  # latest first within a party
    assert "Open to compromise" in page and "12 July 2025" in page
    assert page.index("Narrowing</td>") < page.index("Open</td>")  # status history, latest first


def test_sources_show_publisher_date_and_quote_and_only_safe_links(client_for):
    meeting = f.MeetingFactory()
    cite(meeting, url="https://news.example/a", title="Talks resume", published_on=datetime.date(2025, 7, 8))
    Citation.objects.filter(pk=cite(meeting, 1, quote="“Progress on maps”").pk).update(url="javascript:alert(1)")
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert '<a href="https://news.example/a" rel="noopener noreferrer" dir="auto">Talks resume</a>' in page
    assert "Al Jazeera" in page and '<time datetime="2025-07-08">8 July 2025</time>' in page
    assert '<blockquote dir="auto">“Progress on maps”</blockquote>' in page
    assert "javascript:" not in page.split("link not shown")[0]
    assert not re.search(r'href="\s*javascript', page)
    assert "(link not shown: javascript: links are refused" in page


def test_a_source_from_an_ingested_article_links_to_the_article(client_for):
    meeting = f.MeetingFactory()
    article = f.ArticleFactory(canonical_url="https://outlet.example/story", title="Envoys meet", publisher="Reuters")
    f.CitationFactory(record=meeting, url="", publisher="", article=article)
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert '<a href="https://outlet.example/story" rel="noopener noreferrer" dir="auto">Envoys meet</a>' in page
    assert "Reuters" in page


def test_the_history_shows_who_changed_what_and_when(client_for, role_users):
    analyst = role_users["analyst"]
    meeting = f.MeetingFactory(title="First title", status=Meeting.Status.SCHEDULED)
    edited(meeting, analyst, title="Second title", status=Meeting.Status.HELD)
    alias = f.AliasFactory(name="أبو مازن", language="ar")
    edited(alias, analyst, language="ar-PS")
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    history = page.split('id="history-heading"')[1]
    assert '<strong class="history-user">analyst-user</strong>' in history
    assert re.search(r"Changed: <span dir=\"auto\">Meeting</span>", history)
    assert '<th scope="row">Title</th>\n            <td><del dir="auto">First title</del></td>' in history
    assert '<ins dir="auto">Second title</ins>' in history
    assert '<del dir="auto">Scheduled</del>' in history and '<ins dir="auto">Held</ins>' in history  # labels
    assert 'Created: <span dir="auto">Meeting</span>' in history
    assert history.index("Changed:") < history.index("Created:")  # newest first

    page = html(client_for("viewer").get(reverse("actor", kwargs={"slug": alias.actor.slug})))
    history = page.split('id="history-heading"')[1]
    assert 'Changed: <span dir="auto">Alias “أبو مازن”</span>' in history
    assert '<del dir="auto">ar</del>' in history and '<ins dir="auto">ar-PS</ins>' in history


def test_the_history_names_related_records_and_survives_their_deletion(client_for, role_users):
    meeting = f.MeetingFactory()
    first, second = f.StateFactory(name="Qatar", slug="qatar"), f.StateFactory(name="Egypt", slug="egypt")
    edited(meeting, role_users["analyst"], country=first)
    edited(meeting, role_users["analyst"], country=second)
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    assert '<del dir="auto">Qatar</del>' in page and '<ins dir="auto">Egypt</ins>' in page
    assert '<del dir="auto">—</del>' in page  # no country before


def test_the_history_shows_many_to_many_changes_as_they_were(client_for, role_users):
    meeting = f.MeetingFactory()
    doha, cairo = f.TrackFactory(name="Doha round"), f.TrackFactory(name="Cairo round")
    meeting._history_user = role_users["analyst"]
    meeting.tracks.add(doha)
    meeting.tracks.add(cairo)
    meeting.tracks.remove(doha)
    page = html(client_for("viewer").get(reverse("meeting", kwargs={"pk": meeting.pk})))
    history = page.split('id="history-heading"')[1]
    rows = re.findall(
        r'<th scope="row">Tracks</th>\s*<td><del dir="auto">(.*?)</del></td>\s*<td><ins dir="auto">(.*?)</ins>', history
    )
    assert rows == [
        ("Cairo round, Doha round", "Cairo round"),
        ("Doha round", "Cairo round, Doha round"),
        ("—", "Doha round"),
    ]


def test_an_alias_of_a_deleted_row_shows_in_the_actor_history(client_for, role_users):
    actor = f.ActorFactory()
    alias = f.AliasFactory(actor=actor, name="Old spelling")
    Alias.objects.filter(pk=alias.pk).first().delete()
    page = html(client_for("viewer").get(reverse("actor", kwargs={"slug": actor.slug})))
    assert 'Deleted: <span dir="auto">Alias “Old spelling”</span>' in page
