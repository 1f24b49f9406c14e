"""An editor reviews the queue in a real browser: the pending list, the accept page, the citation it makes."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from negotiations.models import Citation
from news.models import Article
from tests import factories as f
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_an_editor_accepts_an_article_and_cites_the_meeting_it_supports(live_server, page):
    user_set_role(username="eve", role="editor", password="a-long-demo-password")
    dinner = f.MeetingFactory(
        title="White House dinner", starts_at=datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC)
    )
    talks = f.ArticleFactory(title="Leaders dine as Doha talks go on", relevance=0.9, publisher="Wire")
    f.ArticleFactory(title="Derby day", relevance=0.0)
    suggestion = f.SuggestionFactory(article=talks, record=dinner, score=0.8, reasons=["2 of 2 participants named"])

    log_in(page, live_server, "eve", "a-long-demo-password")
    page.goto(f"{live_server.url}/admin/news/article/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "Leaders dine" in rows.nth(0).inner_text()  # most relevant first

    rows.nth(0).locator("input.action-select").check()
    page.select_option("select[name=action]", "accept")
    page.click("button[name=index]")
    page.wait_for_selector("text=Accept articles and cite them")
    box = page.locator(f"input[name=suggestion][value='{suggestion.pk}']")
    assert box.is_checked()  # strong suggestions come ticked
    page.click("input[type=submit][value='Accept and cite']")
    page.wait_for_selector(".messagelist")
    assert "1 citation(s) made" in page.locator(".messagelist").inner_text()

    talks.refresh_from_db()
    assert talks.review_state == "accepted"
    assert talks.reviewer == get_user_model().objects.get(username="eve")
    citation = Citation.objects.get()
    assert (citation.record, citation.article) == (dinner, talks)
    assert [a.title for a in Article.objects.filter(review_state="pending")] == ["Derby day"]


def test_a_viewer_sees_the_queue_but_no_review_actions(live_server, page):
    user_set_role(username="vic", role="viewer", password="a-long-demo-password")
    f.ArticleFactory(title="Leaders dine", relevance=0.9)
    log_in(page, live_server, "vic", "a-long-demo-password")
    page.goto(f"{live_server.url}/admin/news/article/")
    assert "Leaders dine" in page.locator("#result_list").inner_text()
    options = page.locator("select[name=action] option").all_inner_texts()
    assert not any("Accept" in option or "Reject" in option for option in options)
