"""The record pages in a real browser, on the demo data: a viewer reads an actor, a meeting, a proposal and a
sticking point (content shown, no accessibility or Content-Security-Policy violation, no editing action);
an analyst gets the link to edit the record in the admin."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from negotiations.models import Meeting
from tests.browser.pages import PASSWORD, axe_violations, log_in, screenshot, violations, watch
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    day_only = Meeting.objects.filter(time_known=False).order_by("starts_at").first()
    return {
        "actor": (reverse("actor", kwargs={"slug": "hamas"}), ["Hamas", "حماس", "Meetings", "Positions"]),
        "meeting": (reverse("meeting", kwargs={"pk": day_only.pk}), [day_only.title, "time of day not reported"]),
        "proposal": (
            reverse("proposal", kwargs={"slug": "witkoff-60-day-truce"}),
            ["Versions and events", "Terms", "Responses"],
        ),
        "sticking-point": (
            reverse("sticking-point", kwargs={"slug": "gaza-truce-withdrawal-lines"}),
            ["Positions by party", "Status history"],
        ),
    }


def main_text(page) -> str:
    return page.locator("main").inner_text()


def test_a_viewer_reads_every_kind_of_record_page(live_server, page, demo):
    user_set_role(username="vic", role="viewer", password=PASSWORD)
    console = watch(page)
    log_in(page, live_server, "vic")
    for kind, (url, expected) in demo.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, (kind, response.status)
        text = main_text(page)
        for words in expected:
            assert words in text, (kind, words)
        assert page.locator("main .sources li").count() >= 1, kind  # the demo cites every record shown here
        assert page.locator("main .history > li").count() >= 1, kind
        assert "Edit in admin" not in text
        assert page.locator("main form, main button, main input, main textarea, main select").count() == 0
        assert axe_violations(page) == [], kind
        assert violations(page, console) == [], kind
        screenshot(page, f"record-{kind}")
    assert "12:00" not in page.goto(f"{live_server.url}{demo['meeting'][0]}").text()

    page.goto(f"{live_server.url}{demo['sticking-point'][0]}")
    screenshot(page, "record-sticking-point", phone=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    assert axe_violations(page) == []
    assert violations(page, console) == []


def test_an_analyst_gets_the_edit_link_to_the_admin(live_server, page, demo):
    user_set_role(username="ana", role="analyst", password=PASSWORD)
    log_in(page, live_server, "ana")
    for url, _ in demo.values():
        page.goto(f"{live_server.url}{url}")
        assert page.get_by_role("link", name="Edit in admin").count() == 1, url
    page.goto(f"{live_server.url}{demo['sticking-point'][0]}")
    page.get_by_role("link", name="Edit in admin").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/admin/negotiations/stickingpoint/" in page.url and page.url.endswith("/change/")
