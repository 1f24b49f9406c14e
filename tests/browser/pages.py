"""Shared by the browser tests of the tracker's own pages: log in through the login page, watch for
Content-Security-Policy violations, run axe-core, save screenshots."""

import pathlib
import re

AXE = (pathlib.Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = pathlib.Path(__file__).parent / "screenshots"
PASSWORD = "a-long-demo-password"

# Playwright's init script runs before the page's own scripts and is not subject to the page's policy.
LISTEN_FOR_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch(page) -> list[str]:
    """Record CSP violations (and console errors) from now on; returns the console list to pass to
    `violations`."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    return console


def violations(page, console: list[str]) -> list[str]:
    reported = page.evaluate("window.__violations || []")
    return reported + [text for text in console if "Content Security Policy" in text]


def log_in(page, live_server, username: str, password: str = PASSWORD, *, then: str = "/") -> None:
    page.goto(f"{live_server.url}/account/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/account/login/" not in page.url, f"login as {username} failed"


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA rules on the page as it is now; the violations of the given impacts, one line
    each. Evaluated through the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def screenshot(page, name: str, *, phone: bool = False) -> pathlib.Path:
    """Save a full-page screenshot as a test artifact (tests/browser/screenshots/, outside git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}{'-phone' if phone else ''}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
