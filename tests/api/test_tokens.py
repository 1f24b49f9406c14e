"""Dashboards authenticate with knox tokens: issued by a command or an endpoint, hashed at rest,
expiring, revocable."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework import status

from tests import factories as f
from tests.api.conftest import send
from tracker.roles import VIEWER

pytestmark = pytest.mark.django_db


def issue(username: str, role: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("issue_token", username, "--role", role, *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_the_command_creates_a_user_with_the_role_and_prints_a_working_token(client):
    token = issue("dashboard", "viewer")
    user = get_user_model().objects.get(username="dashboard")
    assert list(user.groups.values_list("name", flat=True)) == ["viewer"]
    f.MeetingFactory()
    response = client.get(reverse("api:meeting-list"), **auth(token))
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["count"] == 1
    # A viewer's token writes nothing.
    created = send(
        client, "post", reverse("api:actor-list"), {"name": "X", "slug": "x", "kind": "person"}, **auth(token)
    )
    assert created.status_code == status.HTTP_403_FORBIDDEN


def test_the_token_is_stored_only_as_a_hash_with_an_expiry(settings):
    token = issue("dashboard", "viewer", "--days", "7")
    row = AuthToken.objects.get(user__username="dashboard")
    assert token not in row.digest and row.digest != token
    assert row.token_key == token[: len(row.token_key)]
    assert row.expiry - timezone.now() == pytest.approx(datetime.timedelta(days=7), abs=datetime.timedelta(minutes=1))


def test_the_command_reuses_the_user_and_changes_its_role():
    first = issue("dashboard", "viewer")
    second = issue("dashboard", "analyst")
    assert first != second
    user = get_user_model().objects.get(username="dashboard")
    assert list(user.groups.values_list("name", flat=True)) == ["analyst"]
    assert AuthToken.objects.filter(user=user).count() == 2


def test_the_command_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("issue_token", "dashboard", "--role", "superhero", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_expired_token_is_refused(client):
    token = issue("dashboard", "viewer")
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("api:meeting-list"), **auth(token))
    assert response.status_code == status.HTTP_401_UNAUTHORIZED


def test_a_wrong_token_is_refused(client):
    issue("dashboard", "viewer")
    response = client.get(reverse("api:meeting-list"), **auth("0" * 64))
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json() == {"detail": "Invalid token."}


def test_logout_revokes_this_token_only(client):
    token = issue("dashboard", "viewer")
    other = issue("dashboard", "viewer")
    assert client.post(reverse("api:token-logout"), **auth(token)).status_code == status.HTTP_204_NO_CONTENT
    assert client.get(reverse("api:meeting-list"), **auth(token)).status_code == status.HTTP_401_UNAUTHORIZED
    assert client.get(reverse("api:meeting-list"), **auth(other)).status_code == status.HTTP_200_OK


def test_logout_all_revokes_every_token_of_the_user(client):
    tokens = [issue("dashboard", "viewer") for _ in range(3)]
    assert client.post(reverse("api:token-logout-all"), **auth(tokens[0])).status_code == 204
    for token in tokens:
        assert client.get(reverse("api:meeting-list"), **auth(token)).status_code == 401
    assert not AuthToken.objects.exists()


def test_a_token_is_issued_for_a_username_and_password(client):
    user = get_user_model().objects.create_user("dash", password="a long passphrase 1")
    response = send(
        client, "post", reverse("api:token-create"), {"username": "dash", "password": "a long passphrase 1"}
    )
    assert response.status_code == status.HTTP_201_CREATED
    body = response.json()
    assert AuthToken.objects.get(user=user).expiry is not None and body["expiry"]
    me = client.get(reverse("api:me"), **auth(body["token"]))
    assert me.json()["username"] == "dash" and me.json()["token_expiry"]


def test_a_wrong_password_gets_no_token(client):
    get_user_model().objects.create_user("dash", password="a long passphrase 1")
    response = send(client, "post", reverse("api:token-create"), {"username": "dash", "password": "wrong"})
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert not AuthToken.objects.exists()


def test_a_signed_in_browser_gets_a_token_for_its_user(client_for):
    client = client_for("analyst")
    response = send(client, "post", reverse("api:token-create"), {})
    assert response.status_code == status.HTTP_201_CREATED
    assert AuthToken.objects.get().user.username == "analyst-user"


def test_me_names_the_roles(client_for):
    response = client_for("editor").get(reverse("api:me"))
    assert response.json() == {"username": "editor-user", "roles": ["editor"], "token_expiry": None}


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_a_token_from_the_endpoint_works_as_a_bearer_token_and_as_a_token(client, scheme):
    f.MeetingFactory()
    user = get_user_model().objects.create_user("board", password="s3cret-pass")
    user.groups.add(Group.objects.get(name=VIEWER))
    issued = send(client, "post", reverse("api:token-create"), {"username": "board", "password": "s3cret-pass"})
    assert issued.status_code == status.HTTP_201_CREATED
    header = {"HTTP_AUTHORIZATION": f"{scheme} {issued.json()['token']}"}
    response = client.get(reverse("api:meeting-list"), **header)
    assert response.status_code == status.HTTP_200_OK and response.json()["count"] == 1
    assert client.get(reverse("api:me"), **header).json()["username"] == "board"


@pytest.mark.parametrize("header", ["Bearer wrong", "Bearer", "Bearer a b"])
def test_a_bad_bearer_token_is_a_401(client, header):
    response = client.get(reverse("api:meeting-list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == status.HTTP_401_UNAUTHORIZED


def test_the_schema_documents_the_bearer_scheme(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
