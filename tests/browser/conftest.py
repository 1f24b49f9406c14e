import io
import os
import shutil

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (which cannot download a browser of its own here)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium package.")
    # Playwright's driver talks to the browser over a pipe; Django's async-unsafe guard must not see its loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The role groups, made here: Playwright's greenlets leave the test on a database connection that never
    saw the serialized migration data, so serialized_rollback cannot be relied on to restore them."""
    call_command("sync_roles", stdout=io.StringIO())
