import os

import pytest
from django.contrib.auth.models import Group

from tracker.roles import ROLES
from tracker.services import user_set_role


def pytest_sessionfinish(session, exitstatus):
    """On the production database (DATABASE_URL set, as in CI) a skipped test fails the run."""
    if not os.environ.get("DATABASE_URL"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped with DATABASE_URL set: every test must run in CI.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def role_users(db):
    """One staff user per role, keyed by role name."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    return {role: user_set_role(username=f"{role}-user", role=role) for role in ROLES}


@pytest.fixture
def client_for(client, role_users):
    def login(role: str):
        client.force_login(role_users[role])
        return client

    return login
