"""Each role can do what it should in the admin, and nothing more."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from tracker.roles import ROLES, RULES, permission_parts

pytestmark = pytest.mark.django_db


def test_the_data_migration_created_the_four_groups():
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)


def test_every_permission_sits_exactly_where_the_rules_put_it():
    """Fails when a model is added without re-syncing the roles (a migration calling sync_roles)."""
    for role in ROLES:
        granted = set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))
        for permission in Permission.objects.select_related("content_type"):
            parts = permission_parts(
                permission.codename, permission.content_type.app_label, permission.content_type.model
            )
            key = (permission.content_type.app_label, permission.codename)
            should = bool(parts and RULES[role](*parts))
            assert (key in granted) == should, (role, key)


def test_sync_roles_is_idempotent_and_repairs_drift():
    analyst = Group.objects.get(name="analyst")
    before = set(analyst.permissions.values_list("pk", flat=True))
    analyst.permissions.add(Permission.objects.get(codename="add_feed"))
    call_command("sync_roles", stdout=io.StringIO())
    call_command("sync_roles", stdout=io.StringIO())
    assert set(analyst.permissions.values_list("pk", flat=True)) == before


def test_role_summary():
    perms = {role: set(Group.objects.get(name=role).permissions.values_list("codename", flat=True)) for role in ROLES}
    assert "view_meeting" in perms["viewer"] and not any(
        p.startswith(("add", "change", "delete")) for p in perms["viewer"]
    )
    assert {"add_meeting", "change_position", "delete_proposal", "add_actor"} <= perms["analyst"]
    assert not {"add_feed", "change_article", "change_user"} & perms["analyst"]
    assert {"add_feed", "change_feed", "change_article", "add_citation"} <= perms["editor"]
    assert not {"add_meeting", "change_proposal", "add_article", "change_user"} & perms["editor"]
    assert {"change_user", "add_periodictask"} <= perms["administrator"]


def admin_url(model: str, action: str, *args) -> str:
    return reverse(f"admin:{model}_{action}", args=args)


# (role, url, expected status): GET on add/change pages shows whether the role may write.
@pytest.fixture
def records():
    return {"meeting": f.MeetingFactory(), "feed": f.FeedFactory(), "article": f.ArticleFactory()}


@pytest.mark.parametrize(
    "role,allowed,forbidden",
    [
        ("viewer", [], ["negotiations_meeting_add", "news_feed_add", "actors_actor_add"]),
        ("analyst", ["negotiations_meeting_add", "actors_actor_add", "negotiations_citation_add"], ["news_feed_add"]),
        ("editor", ["news_feed_add", "negotiations_citation_add"], ["negotiations_meeting_add", "actors_actor_add"]),
        ("administrator", ["negotiations_meeting_add", "news_feed_add", "auth_user_add"], []),
    ],
)
def test_add_pages_follow_the_role(client_for, role, allowed, forbidden):
    client = client_for(role)
    for name in allowed:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    for name in forbidden:
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name


@pytest.mark.parametrize("role", ["viewer", "analyst", "editor"])
def test_every_role_reads_the_record_but_no_lower_role_manages_users(client_for, role, records):
    client = client_for(role)
    assert client.get(admin_url("negotiations_meeting", "changelist")).status_code == 200
    assert client.get(admin_url("news_article", "changelist")).status_code == 200
    assert client.get(admin_url("auth_user", "changelist")).status_code == 403


def test_a_viewer_cannot_change_a_meeting_by_posting(client_for, records):
    meeting = records["meeting"]
    response = client_for("viewer").post(admin_url("negotiations_meeting", "change", meeting.pk), {"title": "Renamed"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title != "Renamed"


def test_an_editor_reviews_articles_but_cannot_create_them(client_for, records):
    client = client_for("editor")
    assert client.get(admin_url("news_article", "add")).status_code == 403
    page = client.get(admin_url("news_article", "change", records["article"].pk))
    assert page.status_code == 200
    assert b'name="review_state"' in page.content


def test_an_analyst_sees_articles_read_only(client_for, records):
    page = client_for("analyst").get(admin_url("news_article", "change", records["article"].pk))
    assert page.status_code == 200
    assert b'name="review_state"' not in page.content


def test_a_user_without_a_role_sees_nothing(client, records):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", is_staff=True)
    client.force_login(nobody)
    assert client.get(admin_url("negotiations_meeting", "changelist")).status_code == 403
