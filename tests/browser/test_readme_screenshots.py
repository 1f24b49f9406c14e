"""The screenshots the README shows (docs/screenshots/), taken from the demo as an editor sees it: the top of
each main page at desktop width, and a record page at phone width. Written to tests/browser/screenshots/ as
test artifacts; `cp tests/browser/screenshots/readme-*.png docs/screenshots/` (dropping the prefix) refreshes
the README's."""

import io

import pytest
from django.core.management import call_command

from news.models import Article
from tests import factories as f
from tests.browser.pages import PASSWORD, SCREENSHOTS, log_in
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_main_pages_as_the_readme_shows_them(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    dinner = f.MeetingFactory(title="Dinner at the White House")
    article = f.ArticleFactory(
        title="Netanyahu and Trump meet as Doha proximity talks resume",
        text=(
            "Benjamin Netanyahu met Donald Trump at the White House on Monday evening, while negotiators in Doha "
            "resumed indirect talks on a 60-day truce. Netanyahu said the withdrawal lines were still open."
        ),
        review_state=Article.ReviewState.PENDING,
        relevance=0.9,
        publisher="Wire",
    )
    f.SuggestionFactory(article=article, record=dinner, score=0.8, reasons=["Named: Benjamin Netanyahu, Donald Trump"])
    user_set_role(username="eve", role="administrator", password=PASSWORD)
    log_in(page, live_server, "eve")
    shots = {
        "dashboard-index": "/",
        "dashboard-track": "/tracks/israel-hamas-gaza-ceasefire/",
        "review-article": f"/review/articles/{article.pk}/",
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, path in shots.items():
        assert page.goto(live_server.url + path).status == 200, path
        target = SCREENSHOTS / f"readme-{name}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 20_000, name  # a rendered page, not a blank one
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.goto(f"{live_server.url}/sticking-points/gaza-truce-withdrawal-lines/").status == 200
    target = SCREENSHOTS / "readme-record-sticking-point-phone.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000
