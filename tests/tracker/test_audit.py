"""The audit log: logins, failed logins, lockouts, token issuance and role changes, however they happen,
readable by administrators only, its changelist at a constant query count."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.api.conftest import send
from tracker.models import AuditEvent
from tracker.services import audit_record, user_set_role

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 1"
Kind = AuditEvent.Kind


def events(**filters) -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("kind", "username", "detail"))


@pytest.fixture
def dash():
    return get_user_model().objects.create_user("dash", password=PASSWORD, is_staff=True)


def test_admin_logins_and_failed_logins_are_recorded_with_the_address(client, dash):
    AuditEvent.objects.all().delete()
    client.post(reverse("admin:login"), {"username": "dash", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    client.post(reverse("admin:login"), {"username": "dash", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
    assert events() == [
        (Kind.LOGIN_FAILED, "dash", "at /admin/login/"),
        (Kind.LOGIN_FAILED, "nobody", "at /admin/login/"),
        (Kind.LOGIN, "dash", "at /admin/login/"),
    ]
    rows = list(AuditEvent.objects.order_by("id"))
    assert [row.ip_address for row in rows] == ["192.0.2.7", "192.0.2.7", "192.0.2.8"]
    assert rows[0].user == dash and rows[1].user is None
    assert not AuditEvent.objects.filter(detail__contains="wrong").exists()
    assert not AuditEvent.objects.filter(detail__contains=PASSWORD).exists()


def test_token_issuance_is_recorded_never_the_token(client, dash):
    AuditEvent.objects.all().delete()
    body = send(client, "post", reverse("api:token-create"), {"username": "dash", "password": PASSWORD}).json()
    recorded = events()
    assert [(kind, username) for kind, username, _ in recorded] == [(Kind.TOKEN_ISSUED, "dash"), (Kind.LOGIN, "dash")]
    assert recorded[0][2].startswith("expires ")
    call_command("issue_token", "dash", "--role", "viewer", stdout=(out := io.StringIO()), stderr=io.StringIO())
    assert AuditEvent.objects.filter(kind=Kind.TOKEN_ISSUED).count() == 2
    for token in (body["token"], out.getvalue().strip()):
        for row in AuditEvent.objects.all():
            assert token[:8] not in f"{row.username} {row.detail}"


def test_role_changes_through_the_service_are_recorded():
    user_set_role(username="dash", role="viewer")
    AuditEvent.objects.all().delete()
    user_set_role(username="dash", role="administrator")
    assert set(events()) == {
        (Kind.ROLE_CHANGED, "dash", "superuser on"),
        (Kind.ROLE_CHANGED, "dash", "removed role viewer"),
        (Kind.ROLE_CHANGED, "dash", "added role administrator"),
    }


def test_role_changes_in_the_admin_are_recorded_with_who_made_them(client_for, dash):
    client = client_for("administrator")
    AuditEvent.objects.all().delete()
    url = reverse("admin:auth_user_change", args=[dash.pk])
    data = change_form_data(client.get(url))
    data["groups"] = [Group.objects.get(name="editor").pk]
    data.pop("is_active")
    assert client.post(url, data).status_code == 302
    group = Group.objects.get(name="viewer")
    group_url = reverse("admin:auth_group_change", args=[group.pk])
    group_data = change_form_data(client.get(group_url))
    group_data["permissions"] = [*group_data["permissions"], Permission.objects.get(codename="add_feed").pk]
    assert client.post(group_url, group_data).status_code == 302
    assert events() == [
        (Kind.ROLE_CHANGED, "dash", "active off"),
        (Kind.ROLE_CHANGED, "dash", "added role editor"),
        (Kind.ROLE_CHANGED, "", "role viewer: added permissions add_feed"),
    ]
    assert {row.actor.username for row in AuditEvent.objects.all()} == {"administrator-user"}


def test_only_administrators_read_the_audit_log_and_nobody_edits_it(client_for):
    event = audit_record(kind=Kind.LOGIN_FAILED, username="someone")
    changelist = reverse("admin:tracker_auditevent_changelist")
    for role in ("viewer", "analyst", "editor"):
        assert client_for(role).get(changelist).status_code == 403, role
    administrator = client_for("administrator")
    assert b"someone" in administrator.get(changelist).content
    assert administrator.get(reverse("admin:tracker_auditevent_add")).status_code == 403
    change = reverse("admin:tracker_auditevent_change", args=[event.pk])
    assert b'name="detail"' not in administrator.get(change).content
    assert administrator.post(reverse("admin:tracker_auditevent_delete", args=[event.pk])).status_code == 403


@pytest.mark.parametrize("size", [3, 40])
def test_the_audit_changelist_costs_the_same_queries_at_any_size(client_for, size):
    """6: the session, the user, the savepoint pair of ATOMIC_REQUESTS, the paginator's count (the full
    count is not shown, so not counted twice) and the page's rows with their actor (select_related); the
    kind filter lists choices, not rows."""
    administrator = get_user_model().objects.get(username="administrator-user")
    for number in range(size):
        audit_record(kind=Kind.ROLE_CHANGED, username=f"user-{number}", actor=administrator, detail="added role x")
    client = client_for("administrator")
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:tracker_auditevent_changelist"))
    assert page.status_code == 200
    assert page.content.count(b"administrator-user") >= min(size, 100)
    assert len(queries) == 6, [query["sql"] for query in queries]
