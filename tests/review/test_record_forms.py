"""From an article to the record (review/views/record_forms.py): a form per kind of record, pre-filled from
the article, that saves the record and its citation (with the quoted passage) in one transaction."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from negotiations.models import Citation, Figure, Meeting, Participant, Position, ProposalEvent, Response
from review import selectors, services
from tests import factories as f

pytestmark = pytest.mark.django_db

TEXT = (
    "Envoys from Qatar and Egypt met the two delegations in Doha on Monday evening. "
    "The mediators said the gap on the withdrawal maps had narrowed but not closed.\n\n"
    "A second round is expected after the weekend, an official said."
)
QUOTE = "the gap on the withdrawal maps had narrowed but not closed"


@pytest.fixture
def story():
    """An article naming Qatar (twice) and Egypt, both in a track with a sticking point and a proposal."""
    qatar = f.StateFactory(name="Qatar", slug="qatar")
    egypt = f.StateFactory(name="Egypt", slug="egypt")
    bystander = f.StateFactory(name="Norway", slug="norway")
    track = f.TrackFactory(name="Gaza ceasefire")
    f.TrackActorFactory(track=track, actor=qatar, role="mediator")
    f.TrackActorFactory(track=track, actor=egypt, role="mediator")
    other_track = f.TrackFactory(name="Another track")
    point = f.StickingPointFactory(track=track, title="Withdrawal maps", slug="withdrawal-maps")
    f.StickingPointFactory(track=other_track, title="Unrelated point")
    proposal = f.ProposalFactory(track=track, title="Doha framework", slug="doha-framework", proposer=egypt)
    article = f.ArticleFactory(
        title="Doha talks resume",
        publisher="Wire",
        text=TEXT,
        published_at=datetime.datetime(2025, 7, 8, 6, 30, tzinfo=datetime.UTC),
    )
    f.MentionFactory(article=article, actor=egypt, start=31, end=36, matched_text="Egypt")
    f.MentionFactory(article=article, actor=qatar, start=19, end=24, matched_text="Qatar")
    f.MentionFactory(article=article, actor=qatar, start=90, end=95, matched_text="Qatar")
    return {
        "article": article,
        "qatar": qatar,
        "egypt": egypt,
        "bystander": bystander,
        "track": track,
        "point": point,
        "proposal": proposal,
    }


def form_url(article, kind: str, quote: str = "") -> str:
    url = reverse("review:record-form", kwargs={"pk": article.pk, "kind": kind})
    return f"{url}?quote={quote}" if quote else url


def post(client, story, kind: str, data: dict):
    return client.post(form_url(story["article"], kind), {"quote": QUOTE, **data})


def assert_cited(record, article) -> Citation:
    citation = Citation.objects.get()
    assert citation.record == record
    assert (citation.article, citation.quote, citation.publisher, citation.title) == (
        article,
        QUOTE,
        "Wire",
        "Doha talks resume",
    )
    assert (citation.url, citation.published_on) == (article.canonical_url, datetime.date(2025, 7, 8))
    return citation


def assert_saved_and_back_to_the_article(response, article, link: str) -> None:
    assert response.status_code == 302
    assert response.url == reverse("review:article", kwargs={"pk": article.pk})
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert f'href="{link}"' in message and "saved with its citation" in message


# Each kind: the record and its citation ------------------------------------------------------------


def test_a_meeting_is_saved_with_its_participants_and_citation(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "meeting",
        {
            "title": "Doha round",
            "format": "indirect",
            "status": "held",
            "day": "2025-07-07",
            "start_time": "19:00",
            "time_zone": "Asia/Qatar",
            f"participant_{story['qatar'].pk}": "on",
            f"role_{story['qatar'].pk}": "mediator",
            f"role_{story['egypt'].pk}": "mediator",  # Egypt unticked: not a participant
            "other_participants": [story["bystander"].pk],
            "tracks": [story["track"].pk],
        },
    )
    meeting = Meeting.objects.get()
    assert_saved_and_back_to_the_article(response, story["article"], reverse("meeting", kwargs={"pk": meeting.pk}))
    assert meeting.title == "Doha round" and meeting.time_known
    assert meeting.starts_at == datetime.datetime(2025, 7, 7, 16, 0, tzinfo=datetime.UTC)  # 19:00 in Doha
    assert sorted(Participant.objects.values_list("actor__name", "role")) == [
        ("Norway", "delegate"),
        ("Qatar", "mediator"),
    ]
    assert list(meeting.tracks.all()) == [story["track"]]
    assert_cited(meeting, story["article"])


def test_a_meeting_without_a_time_keeps_only_its_day(client_for, story):
    post(
        client_for("analyst"),
        story,
        "meeting",
        {
            "title": "Doha round",
            "format": "indirect",
            "status": "held",
            "day": "2025-07-07",
            "time_zone": "Asia/Qatar",
            f"participant_{story['qatar'].pk}": "on",
            f"role_{story['qatar'].pk}": "mediator",
            f"role_{story['egypt'].pk}": "mediator",
        },
    )
    meeting = Meeting.objects.get()
    assert not meeting.time_known
    assert meeting.starts_at.astimezone(datetime.UTC).date() == datetime.date(2025, 7, 7)


def test_a_position_is_saved_with_its_citation(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "position",
        {
            "sticking_point": story["point"].pk,
            "actor": story["qatar"].pk,
            "stated_on": "2025-07-08",
            "stance": "open_to_compromise",
            "summary": "Sees the gap on the maps narrowing.",
            "channel": "on_record",
            "confidence": "medium",
        },
    )
    position = Position.objects.get()
    assert_saved_and_back_to_the_article(response, story["article"], "/sticking-points/withdrawal-maps/")
    assert (position.sticking_point, position.actor, position.stance) == (
        story["point"],
        story["qatar"],
        "open_to_compromise",
    )
    assert_cited(position, story["article"])


def test_a_figure_is_saved_with_its_citation(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "figure",
        {
            "metric": "hostages-remaining",
            "label": "Hostages held in Gaza",
            "value_low": "20",
            "value_high": "24",
            "unit": "people",
            "as_of": "2025-07-08",
            "claimed_by": story["qatar"].pk,
        },
    )
    figure = Figure.objects.get()
    assert_saved_and_back_to_the_article(response, story["article"], "/actors/qatar/")
    assert (figure.value_low, figure.value_high, figure.claimed_by) == (Decimal(20), Decimal(24), story["qatar"])
    assert_cited(figure, story["article"])


def test_a_proposal_event_is_saved_with_its_citation(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "proposal-event",
        {"proposal": story["proposal"].pk, "kind": "tabled", "occurred_on": "2025-07-07", "actor": story["egypt"].pk},
    )
    event = ProposalEvent.objects.get()
    assert_saved_and_back_to_the_article(response, story["article"], "/proposals/doha-framework/")
    assert (event.proposal, event.kind, event.actor) == (story["proposal"], "tabled", story["egypt"])
    assert_cited(event, story["article"])


def test_a_response_is_saved_with_its_citation_and_a_proposal_may_be_named_by_slug(client_for, story):
    elsewhere = f.ProposalFactory(slug="far-away-plan")  # in no track of the article's actors: not listed
    response = post(
        client_for("analyst"),
        story,
        "response",
        {
            "proposal_slug": "far-away-plan",
            "actor": story["qatar"].pk,
            "kind": "conditional",
            "responded_on": "2025-07-08",
        },
    )
    answer = Response.objects.get()
    assert_saved_and_back_to_the_article(response, story["article"], "/proposals/far-away-plan/")
    assert (answer.proposal, answer.actor, answer.kind) == (elsewhere, story["qatar"], "conditional")
    assert_cited(answer, story["article"])


# Pre-filled from the article -----------------------------------------------------------------------


def test_the_meeting_form_is_prefilled_from_the_article(client_for, story):
    response = client_for("analyst").get(form_url(story["article"], "meeting", QUOTE.replace(" ", "%20")))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["day"].value() == datetime.date(2025, 7, 8)
    assert form["quote"].value() == QUOTE
    # The actors the article names, most named first, ticked, mediators in their track as mediators.
    assert [actor.name for actor, _, _ in form.participant_rows()] == ["Qatar", "Egypt"]
    assert all(took_part.value() for _, took_part, _ in form.participant_rows())
    assert [role.value() for _, _, role in form.participant_rows()] == ["mediator", "mediator"]
    # Others to choose from; tracks of the named actors first.
    assert [label for _, label in form.fields["other_participants"].choices] == ["Norway"]
    assert [label for _, label in form.fields["tracks"].choices] == ["Gaza ceasefire", "Another track"]
    html = response.content.decode()
    assert f'name="participant_{story["qatar"].pk}" id="id_participant_{story["qatar"].pk}" checked' in html
    assert 'dir="auto">Qatar</label>' in html


@pytest.mark.parametrize(
    ("kind", "date_field", "actor_field"),
    [
        ("position", "stated_on", "actor"),
        ("figure", "as_of", "claimed_by"),
        ("proposal-event", "occurred_on", "actor"),
        ("response", "responded_on", "actor"),
    ],
)
def test_each_form_takes_the_articles_date_and_the_actor_it_names_most(
    client_for, story, kind, date_field, actor_field
):
    response = client_for("analyst").get(form_url(story["article"], kind, "narrowed"))
    form = response.context["form"]
    assert form[date_field].value() == datetime.date(2025, 7, 8)
    assert form[actor_field].value() == story["qatar"].pk
    assert form["quote"].value() == "narrowed"
    groups = [group for group, _ in form.fields[actor_field].choices if group]
    assert groups == ["Named in this article", "Other actors"]


def test_the_position_form_lists_the_named_actors_tracks_first_and_preselects_a_suggested_point(client_for, story):
    f.SuggestionFactory(article=story["article"], record=story["point"], score=0.9)
    form = client_for("analyst").get(form_url(story["article"], "position")).context["form"]
    assert [group for group, _ in form.fields["sticking_point"].choices] == ["", "Gaza ceasefire", "Another track"]
    assert form["sticking_point"].value() == story["point"].pk


def test_the_proposal_list_holds_the_proposals_the_article_bears_on(client_for, story):
    f.ProposalFactory(title="Plan elsewhere")
    form = client_for("analyst").get(form_url(story["article"], "response")).context["form"]
    assert [label for _, label in form.fields["proposal"].choices] == ["—", "Doha framework"]


# Validation: errors shown, nothing written --------------------------------------------------------


def test_a_quote_not_in_the_article_is_refused_and_nothing_is_written(client_for, story):
    response = client_for("analyst").post(
        form_url(story["article"], "proposal-event"),
        {
            "proposal": story["proposal"].pk,
            "kind": "tabled",
            "occurred_on": "2025-07-07",
            "quote": "a ceasefire was signed",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["quote"] == [
        "This passage does not occur in the article: select it in the article's text, or paste it as written."
    ]
    assert "was not saved" in response.content.decode()
    assert not ProposalEvent.objects.exists() and not Citation.objects.exists()


def test_a_quote_selected_across_paragraphs_matches_whatever_its_white_space(story):
    passage = "not closed. \n A second round"
    assert services.quote_problem(story["article"], passage) is None
    assert (
        services.quote_problem(story["article"], "   ") == "Give the passage of the article that supports the record."
    )


def test_a_quote_may_come_from_the_articles_html_as_the_reader_saw_it(story):
    article = story["article"]
    type(article).objects.filter(pk=article.pk).update(
        content_html="<p>Talks in <a href='https://example.org/doha'>Doha</a>, said <em>Qatar</em>&#x27;s envoy.</p>"
        "<p>Maps &amp; lines next.</p>"
    )
    article.refresh_from_db()
    assert services.quote_problem(article, "Talks in Doha, said Qatar's envoy. Maps & lines") is None
    assert services.quote_problem(article, "Talks in Doha , said") is not None


def test_invalid_fields_rerender_the_form_with_their_errors_and_write_nothing(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "meeting",
        {"title": "", "format": "no-such-format", "status": "held", "day": "2025-07-07", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "format", "time_zone"}
    assert not Meeting.objects.exists() and not Participant.objects.exists() and not Citation.objects.exists()


def test_a_record_the_model_refuses_shows_the_models_message_and_writes_nothing(client_for, story):
    response = post(
        client_for("analyst"),
        story,
        "figure",
        {
            "metric": "hostages",
            "label": "Hostages",
            "value": "20",
            "value_high": "24",
            "unit": "people",
            "as_of": "2025-07-08",
            "claimed_by": story["qatar"].pk,
        },
    )  # a number and a range at once: the model's own check constraint says no
    assert response.status_code == 400
    assert "Give a number (value) or a range (value_low, value_high), not both." in response.content.decode()
    assert not Figure.objects.exists() and not Citation.objects.exists()


def test_when_the_citation_cannot_be_written_the_record_is_not_kept(client_for, story):
    """The record is valid and written first; the citation then fails (the stored article's link is not an
    http(s) URL, which Citation refuses): the transaction takes the record back with it."""
    article = story["article"]
    type(article).objects.filter(pk=article.pk).update(canonical_url="ftp://127.0.0.1/doha", url="")
    response = post(
        client_for("analyst"),
        story,
        "position",
        {
            "sticking_point": story["point"].pk,
            "actor": story["qatar"].pk,
            "stated_on": "2025-07-08",
            "stance": "accepts",
            "summary": "Accepts the maps.",
            "channel": "on_record",
            "confidence": "high",
        },
    )
    assert response.status_code == 400
    assert "Url:" in response.content.decode()  # the citation's error, above the form
    assert not Position.objects.exists() and not Citation.objects.exists()


def test_the_service_refuses_a_user_who_may_not_create_the_record(role_users, story):
    with pytest.raises(services.PermissionDenied):
        services.record_from_article(
            kind="figure", article=story["article"], values={}, quote=QUOTE, user=role_users["editor"]
        )


# Who may ------------------------------------------------------------------------------------------


def test_who_may_create_records_from_an_article(role_users):
    kinds = list(selectors.RECORD_KINDS)
    assert selectors.record_kinds_for(role_users["analyst"]) == kinds
    assert selectors.record_kinds_for(role_users["administrator"]) == kinds
    assert selectors.record_kinds_for(role_users["editor"]) == []  # citations only, not records
    assert selectors.record_kinds_for(role_users["viewer"]) == []
    assert selectors.record_form_links(role_users["analyst"], 7)[1] == (
        "position",
        "Position",
        "/review/articles/7/record/position/",
    )
    assert selectors.record_form_links(role_users["editor"], 7) == []


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_viewers_and_editors_are_refused_the_forms(client_for, story, role, method):
    response = getattr(client_for(role), method)(form_url(story["article"], "meeting"))
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, story):
    response = client.get(form_url(story["article"], "position"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_kind_or_article_is_a_404(client_for, story):
    client = client_for("analyst")
    assert client.get(form_url(story["article"], "treaty")).status_code == 404
    assert client.get(reverse("review:record-form", kwargs={"pk": 999999, "kind": "figure"})).status_code == 404


# Queries -----------------------------------------------------------------------------------------


def grow(story, n: int) -> None:
    """n more of everything the forms list or read: actors (named or not), tracks, points, proposals."""
    article = story["article"]
    for _ in range(n):
        actor = f.ActorFactory()
        f.MentionFactory(article=article, actor=actor)
        track = f.TrackFactory()
        f.TrackActorFactory(track=track, actor=actor, role="party")
        f.StickingPointFactory(track=track)
        proposal = f.ProposalFactory(track=track, proposer=actor)
        f.SuggestionFactory(article=article, record=proposal)
        f.StateFactory()


@pytest.mark.parametrize("kind", list(selectors.RECORD_KINDS))
@pytest.mark.parametrize("size", [0, 12])
def test_the_form_page_costs_the_same_queries_at_any_size(client_for, story, django_assert_num_queries, kind, size):
    grow(story, size)
    client = client_for("analyst")
    # The request's savepoint and its release; session, user; the user's permissions (own, groups'); the
    # article; its mentions; every actor; the named actors' track roles; the kind's own list (tracks, sticking
    # points or proposals); the navigation's groups.
    with django_assert_num_queries(12):
        response = client.get(form_url(story["article"], kind))
    assert response.status_code == 200
