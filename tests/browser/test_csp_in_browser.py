"""The Content-Security-Policy in a real browser: the admin and the API documentation load and work with
no violation reported, and an inline script is refused (so the check can see one)."""

import pytest

from tests import factories as f
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every violation the page reports, kept where the test can read it (Playwright's init script runs before
# the page's own scripts and is not subject to the page's policy).
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    return page, console


def violations(page, console) -> list[str]:
    reported = page.evaluate("window.__violations")
    return reported + [text for text in console if "Content Security Policy" in text]


def test_the_admin_and_the_api_docs_load_with_no_policy_violation(live_server, watched):
    page, console = watched
    user_set_role(username="ada", role="administrator", password="a-long-demo-password")
    f.MeetingFactory(title="White House dinner")

    page.goto(f"{live_server.url}/admin/login/")
    assert violations(page, console) == []
    page.fill("#id_username", "ada")
    page.fill("#id_password", "a-long-demo-password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/admin/negotiations/meeting/")
    page.wait_for_selector("#result_list")
    assert "White House dinner" in page.locator("#result_list").inner_text()
    # The changelist's own scripts ran: the select-all box ticks every row's box.
    page.check("#action-toggle")
    assert page.locator("input.action-select").first.is_checked()
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI rendered the schema: the title and the operations from /api/schema/.
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "Ceasefire negotiation tracker API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    assert page.locator(".opblock-summary-path").count() > 10
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("text=Ceasefire negotiation tracker API", timeout=30_000)
    page.wait_for_selector("text=API docs by Redocly")
    # ReDoc's bundle always shows its maker's logo from their CDN: the policy keeps the page off other
    # sites, and that image is the one thing it refuses there (ReDoc hides a logo that fails to load).
    refused = page.evaluate("window.__violations")
    assert refused and all(report.startswith("img-src https://cdn.redoc.ly/") for report in refused), refused


def test_an_inline_script_is_refused_and_reported(live_server, watched):
    page, console = watched
    page.goto(f"{live_server.url}/admin/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(report.startswith("script-src") for report in violations(page, console))
