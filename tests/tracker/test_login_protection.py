"""django-axes on every password check: after AXES_FAILURE_LIMIT failures from one address, or for one
username, further attempts (even with the right password) are refused with 429 for AXES_COOLOFF_TIME; the
lockout is logged, audited and listed in the admin for administrators."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import send
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 1"


@pytest.fixture
def dash():
    return get_user_model().objects.create_user("dash", password=PASSWORD, is_staff=True)


def token_attempt(client, username: str, password: str, address: str = "10.0.0.1"):
    return send(
        client,
        "post",
        reverse("api:token-create"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def admin_attempt(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_token_endpoint_locks_a_username_out_after_the_failure_limit(client, dash, settings, caplog):
    limit = settings.AXES_FAILURE_LIMIT
    with caplog.at_level(logging.WARNING, logger="axes"):
        # From a different address each time: the username alone is locked.
        for attempt in range(limit - 1):
            assert token_attempt(client, "dash", "wrong", f"10.0.1.{attempt}").status_code == 401
        refused = token_attempt(client, "dash", "wrong", "10.0.1.99")
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many failed logins from this address or for this username: try again later."
    }
    assert int(refused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert any("Locking out" in record.getMessage() for record in caplog.records)
    # The right password, from a fresh address, is refused too while the lockout lasts.
    assert token_attempt(client, "dash", PASSWORD, "10.0.2.1").status_code == 429
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT, username="dash").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_ISSUED).exists()
    # Another user at those addresses is not affected by a username lockout.
    get_user_model().objects.create_user("other", password=PASSWORD)
    assert token_attempt(client, "other", PASSWORD, "10.0.2.2").status_code == 201
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert token_attempt(client, "dash", PASSWORD, "10.0.2.3").status_code == 201


def test_the_token_endpoint_locks_an_address_out_whatever_the_usernames(client, dash, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = token_attempt(client, f"guess-{attempt}", "wrong", "10.0.3.1")
    assert response.status_code == 429
    assert token_attempt(client, "dash", PASSWORD, "10.0.3.1").status_code == 429
    # The same user from another address is let in: only that address was locked.
    assert token_attempt(client, "dash", PASSWORD, "10.0.3.2").status_code == 201


def test_the_admin_login_locks_out_and_the_right_password_then_fails(client, dash, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = admin_attempt(client, "dash", "wrong")
        assert page.status_code == 200 and b"Please enter the correct username" in page.content
    refused = admin_attempt(client, "dash", "wrong")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/plain")
    refused_again = admin_attempt(client, "dash", PASSWORD, "10.0.4.1")
    assert refused_again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still asked to sign in


def test_a_success_before_the_limit_resets_the_count(client, dash, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_attempt(client, "dash", "wrong").status_code == 401
    assert token_attempt(client, "dash", PASSWORD).status_code == 201
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_attempt(client, "dash", "wrong").status_code == 401
    assert token_attempt(client, "dash", PASSWORD).status_code == 201


def test_administrators_see_the_lockouts_in_the_admin_and_no_other_role_does(client, client_for, dash, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_attempt(client, "dash", "wrong", "10.0.5.7")
    client.logout()
    page = client_for("administrator").get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert b"dash" in page.content and b"10.0.5.7" in page.content
    audit = client_for("administrator").get(reverse("admin:tracker_auditevent_changelist") + "?kind=locked_out")
    assert b"dash" in audit.content
    for role in ("viewer", "analyst", "editor"):
        assert client_for(role).get(reverse("admin:axes_accessattempt_changelist")).status_code == 403, role


def test_an_administrator_lifts_a_lockout_by_deleting_the_attempt(client, client_for, dash, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_attempt(client, "dash", "wrong", "10.0.6.1")
    assert token_attempt(client, "dash", PASSWORD, "10.0.6.2").status_code == 429
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    administrator = client_for("administrator")
    for pk in attempts:
        url = reverse("admin:axes_accessattempt_delete", args=[pk])
        assert administrator.post(url, {"post": "yes"}).status_code == 302
    administrator.logout()
    assert not AccessAttempt.objects.exists()
    assert token_attempt(client, "dash", PASSWORD, "10.0.6.2").status_code == 201
