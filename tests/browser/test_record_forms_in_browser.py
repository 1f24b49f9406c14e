"""An analyst turns an article into a meeting in a real browser: the form comes pre-filled from the article
(its day, the actors it names ticked as participants, the selected passage), passes axe-core with no
Content-Security-Policy violation, and saves the meeting with its citation."""

import datetime
from urllib.parse import quote as url_quote

import pytest
from django.urls import reverse

from negotiations.models import Citation, Meeting
from tests import factories as f
from tests.browser.pages import axe_violations, log_in, screenshot, violations, watch
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSAGE = "both delegations sat down for a working dinner"


def test_an_analyst_records_a_meeting_from_an_article(live_server, page):
    user_set_role(username="ana", role="analyst", password="a-long-demo-password")
    qatar = f.StateFactory(name="Qatar", slug="qatar")
    envoy = f.ActorFactory(name="Steve Witkoff", slug="steve-witkoff")
    f.StateFactory(name="Norway", slug="norway")  # named nowhere: offered, not ticked
    article = f.ArticleFactory(
        title="Talks move to the White House",
        publisher="Wire",
        text=f"In Washington {PASSAGE}, hosted by Steve Witkoff, with Qatar's envoy present.",
        published_at=datetime.datetime(2025, 7, 7, 23, 0, tzinfo=datetime.UTC),
    )
    f.MentionFactory(article=article, actor=envoy, start=72, end=85, matched_text="Steve Witkoff")
    f.MentionFactory(article=article, actor=qatar, start=92, end=97, matched_text="Qatar")

    console = watch(page)
    log_in(page, live_server, "ana")
    form_path = reverse("review:record-form", kwargs={"pk": article.pk, "kind": "meeting"})
    page.goto(f"{live_server.url}{form_path}?quote={url_quote(PASSAGE)}")

    assert page.locator("h1").inner_text() == "New meeting from an article"
    assert page.locator("#id_day").input_value() == "2025-07-07"
    assert page.locator("#id_quote").input_value() == PASSAGE
    assert page.locator(f"#id_participant_{envoy.pk}").is_checked()
    assert page.locator(f"#id_participant_{qatar.pk}").is_checked()
    assert page.locator("#id_other_participants option").all_inner_texts() == ["Norway"]
    assert axe_violations(page) == []
    screenshot(page, "record-form-meeting")
    screenshot(page, "record-form-meeting", phone=True)

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.fill("#id_title", "White House working dinner")
    page.select_option("#id_format", "working_dinner")
    page.fill("#id_start_time", "19:00")
    page.fill("#id_time_zone", "America/New_York")
    page.select_option(f"#id_role_{envoy.pk}", "host")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('review:article', kwargs={'pk': article.pk})}")

    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.format) == ("White House working dinner", "working_dinner")
    assert meeting.starts_at == datetime.datetime(2025, 7, 7, 23, 0, tzinfo=datetime.UTC)  # 19:00 in New York
    assert sorted(meeting.participant_rows.values_list("actor__name", "role")) == [
        ("Qatar", "delegate"),
        ("Steve Witkoff", "host"),
    ]
    citation = Citation.objects.get()
    assert (citation.record, citation.article, citation.quote) == (meeting, article, PASSAGE)
    assert violations(page, console) == []


def test_errors_are_shown_on_the_form_and_nothing_is_saved(live_server, page):
    user_set_role(username="ana", role="analyst", password="a-long-demo-password")
    article = f.ArticleFactory(title="Talks resume", text="The envoys met again in Doha.")
    console = watch(page)
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}{reverse('review:record-form', kwargs={'pk': article.pk, 'kind': 'meeting'})}")
    page.fill("#id_quote", "The envoys signed a deal.")
    page.click("main button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "does not occur in the article" in page.locator("#id_quote").locator("xpath=..").inner_text()
    assert axe_violations(page) == []
    assert not Meeting.objects.exists()
    assert violations(page, console) == []


@pytest.mark.parametrize("kind", ["position", "figure", "proposal-event", "response"])
def test_the_other_forms_pass_axe_core_with_the_named_actor_chosen(live_server, page, kind):
    user_set_role(username="ana", role="analyst", password="a-long-demo-password")
    qatar = f.StateFactory(name="Qatar", slug="qatar")
    track = f.TrackFactory(name="Gaza ceasefire")
    f.TrackActorFactory(track=track, actor=qatar, role="mediator")
    f.StickingPointFactory(track=track, title="Withdrawal maps")
    f.ProposalFactory(track=track, title="Doha framework")
    article = f.ArticleFactory(title="Talks resume", text="Qatar said the talks would resume.")
    f.MentionFactory(article=article, actor=qatar, start=0, end=5, matched_text="Qatar")
    console = watch(page)
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}{reverse('review:record-form', kwargs={'pk': article.pk, 'kind': kind})}")
    actor_field = "#id_claimed_by" if kind == "figure" else "#id_actor"
    assert page.locator(actor_field).input_value() == str(qatar.pk)
    assert axe_violations(page) == []
    assert violations(page, console) == []
