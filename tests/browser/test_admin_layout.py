"""The admin as analysts use it, in a real browser at 1,400 px: change forms fit without horizontal
scrolling (inline tables wrap), the meeting form's time note states the meeting's own offset, no "View on
site" leads back into the admin, and the proposal form shows its derived status. Screenshots of each form
are written to tests/browser/screenshots/ for a person to look at."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from negotiations import services
from tests import factories as f
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTH = 1400
LONG = "Withdrawal to the lines of the map the mediators tabled, with a buffer zone along the border " * 3


def log_in(page, live_server) -> None:
    user_set_role(username="ana", role="analyst", password="a-long-demo-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "a-long-demo-password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def records():
    track = f.TrackFactory(name="Israel–Hamas Gaza ceasefire")
    proposal = f.ProposalFactory(track=track, title="Sixty-day truce framework", version_label="v2")
    for n, kind in enumerate(["truce_length", "living_hostages", "withdrawal_line", "aid_channel"]):
        f.TermFactory(
            proposal=proposal, key=f"term-{n}", kind=kind, position=n, text=LONG, quantity=Decimal(60), unit="days"
        )
    services.proposal_record_event(proposal=proposal, kind="tabled", on=datetime.date(2025, 7, 1))
    services.proposal_record_event(proposal=proposal, kind="responded", on=datetime.date(2025, 7, 4))
    for n in range(3):
        services.citation_add(
            record=proposal,
            url=f"https://news.example.net/2025/07/0{n + 1}/a-long-article-address-about-the-truce-talks-in-doha",
            publisher="A news outlet with a long name",
            title="Truce talks continue in Doha as the leaders meet in Washington " * 2,
            quote=LONG,
        )
    meeting = f.MeetingFactory(
        title="White House dinner",
        time_zone="America/New_York",
        starts_at=datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC),
    )
    f.ParticipantFactory(meeting=meeting)
    return {"proposal": proposal, "meeting": meeting, "track": track}


def test_change_forms_fit_1400_pixels_without_horizontal_scrolling(live_server, page, records):
    log_in(page, live_server)
    forms = {
        "proposal": f"/admin/negotiations/proposal/{records['proposal'].pk}/change/",
        "meeting": f"/admin/negotiations/meeting/{records['meeting'].pk}/change/",
        "track": f"/admin/negotiations/track/{records['track'].pk}/change/",
        "term": f"/admin/negotiations/term/{records['proposal'].terms.first().pk}/change/",
        "new-proposal": "/admin/negotiations/proposal/add/",
    }
    assert page.viewport_size["width"] == WIDTH
    for name, path in forms.items():
        page.goto(live_server.url + path)
        page.wait_for_selector("#content-main")
        page.wait_for_load_state("load")
        shoot(page, f"admin-{name}")
        assert overflow(page) == 0, f"{name}: {overflow(page)} px wider than the window"


def test_the_meeting_form_states_the_meetings_own_offset(live_server, page, records):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/negotiations/meeting/{records['meeting'].pk}/change/")
    page.wait_for_load_state("load")
    text = page.locator("#content-main").inner_text()
    # New York in July is UTC−04:00 (daylight time), whatever the offset today or the browser's.
    assert "America/New_York, UTC−04:00 on 7 July 2025" in text
    assert "hours ahead" not in text and "hours behind" not in text and "hour ahead" not in text
    assert page.locator("#id_starts_at_0").input_value() == "2025-07-07"
    assert page.locator("#id_starts_at_1").input_value() == "18:30:00"


def test_view_on_site_leads_to_the_record_page_not_back_into_the_admin(live_server, page, records):
    log_in(page, live_server)
    actor = f.ActorFactory()
    for path, page_path in (
        (f"/admin/actors/actor/{actor.pk}/change/", f"/actors/{actor.slug}/"),
        (f"/admin/negotiations/meeting/{records['meeting'].pk}/change/", f"/meetings/{records['meeting'].pk}/"),
        (f"/admin/negotiations/proposal/{records['proposal'].pk}/change/", f"/proposals/{records['proposal'].slug}/"),
    ):
        page.goto(live_server.url + path)
        link = page.locator("a.viewsitelink")
        assert link.get_attribute("href") == page_path, path
        link.click()
        page.wait_for_load_state("domcontentloaded")
        assert page.url == live_server.url + page_path
        assert "/admin/" not in page.url
    # A figure has no page of its own: no link.
    figure = f.FigureFactory()
    page.goto(f"{live_server.url}/admin/negotiations/figure/{figure.pk}/change/")
    assert page.locator("a.viewsitelink").count() == 0


def test_the_proposal_form_shows_its_derived_status(live_server, page, records):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/negotiations/proposal/{records['proposal'].pk}/change/")
    status = page.locator(".field-current_status .readonly").inner_text()
    assert status == "Under discussion (2025-07-04)"
