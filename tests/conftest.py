import pytest
from django.contrib.auth.models import Group

from tests.security_headers import SecurityHeadersClient
from tracker.roles import ROLES
from tracker.services import user_set_role


@pytest.fixture
def client():
    """pytest-django's client, checking the security headers on every answer (tests/security_headers.py)."""
    return SecurityHeadersClient()


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


@pytest.fixture(autouse=True)
def empty_cache():
    """Host locks, Retry-After deferrals and the like must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's greenlets leave the database connection without the serialized
    migration data that transactional tests restore, so a transactional test after them would start empty."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
