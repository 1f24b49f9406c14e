"""An analyst reads the demo track in a real browser: the timeline, the board and the chart with real content,
then the board as it stood on 8 July 2025, picked with the "as of" date input; at desktop and phone width,
with no accessibility or Content-Security-Policy violation."""

import io

import pytest
from django.core.management import call_command

from tests.browser.pages import axe_violations, log_in, screenshot, violations, watch
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GAZA = "/tracks/israel-hamas-gaza-ceasefire/"
PHONE_WIDTH = 390


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 2


def column(page, status: str):
    return page.locator(f'#board section.column[data-status="{status}"]')


def test_an_analyst_reads_the_demo_track_and_its_board_as_it_stood_on_8_july_2025(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    user_set_role(username="ana", role="analyst", password="a-long-demo-password")
    console = watch(page)
    log_in(page, live_server, "ana", then="/")

    # The index: every demo track, the Gaza one among them.
    page.wait_for_selector("table.tracks")
    assert page.locator("table.tracks tbody tr").count() == 5
    assert axe_violations(page) == []
    screenshot(page, "dashboard-index")
    screenshot(page, "dashboard-index", phone=True)
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.get_by_role("link", name="Israel–Hamas Gaza ceasefire").click()
    page.wait_for_url(f"**{GAZA}")

    # The timeline: the White House dinner of 7 July 2025 is there.
    timeline = page.locator("#timeline")
    assert timeline.locator("li.entry").count() > 10
    assert "White House" in timeline.inner_text()
    # The board today: the withdrawal lines are deadlocked, Hamas's disarmament is on it.
    assert "Where Israeli forces stand during the 60-day truce" in column(page, "deadlocked").inner_text()
    assert "Disarming Hamas" in page.locator("#board").inner_text()
    # The chart was drawn by Chart.js, from the same numbers as its table.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('meeting-frequency-chart'))")
    chart = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('meeting-frequency-chart'));
          return {labels: chart.data.labels, first: chart.data.datasets[0].label,
                  total: chart.data.datasets[0].data.reduce((a, b) => a + b, 0)};
        }"""
    )
    assert set(chart["first"].split(" – ")) == {"Benjamin Netanyahu", "Donald Trump"}  # they met most
    table_total = page.locator("#meeting-frequency-table tfoot td").first.inner_text()
    assert int(table_total) == chart["total"] >= 3
    assert axe_violations(page) == []
    assert violations(page, console) == []
    screenshot(page, "dashboard-track")

    # As of 8 July 2025, picked in the date input. (The form waits for its button: a date typed digit by
    # digit is a valid, different date after each one.)
    page.fill("#as-of", "2025-07-08")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**as_of=2025-07-08**")
    page.wait_for_selector("#board")
    assert "Where Israeli forces stand during the 60-day truce" in column(page, "open").inner_text()
    assert "Where Israeli forces stand" not in column(page, "deadlocked").inner_text()
    assert "A permanent end to the war" in column(page, "deadlocked").inner_text()
    assert "Disarming Hamas" not in page.locator("#board").inner_text()  # first raised in December 2025
    days = page.locator("#timeline time").evaluate_all("(times) => times.map((time) => time.dateTime)")
    assert days and max(days) <= "2025-07-08"  # nothing after the day
    assert page.locator("#as-of").input_value() == "2025-07-08"
    assert axe_violations(page) == []
    assert violations(page, console) == []

    screenshot(page, "dashboard-track", phone=True)
    assert no_horizontal_overflow(page)
    assert page.evaluate("Chart.getChart(document.getElementById('meeting-frequency-chart')) !== undefined")
    assert axe_violations(page) == []
    assert violations(page, console) == []


def test_a_bad_date_in_the_address_is_explained_in_the_browser(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    user_set_role(username="vic", role="viewer", password="a-long-demo-password")
    console = watch(page)
    log_in(page, live_server, "vic", then=GAZA)
    response = page.goto(f"{live_server.url}{GAZA}?as_of=2025-02-30")
    assert response.status == 400
    assert "Enter a valid date." in page.locator("[role=alert]").inner_text()
    assert axe_violations(page) == []
    assert violations(page, console) == []
