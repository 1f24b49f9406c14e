"""On the production database (DATABASE_URL set, as in CI) a skipped test fails the run."""

import os

import pytest


def pytest_sessionfinish(session, exitstatus):
    if not os.environ.get("DATABASE_URL"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped with DATABASE_URL set: every test must run in CI.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
