"""Tokens end: by expiry, by logout (this token) and logout-all (every token of the user), and when the user
is disabled; a token or a password never reaches our logs; passwords must pass the validators."""

import datetime
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.api.conftest import send
from tracker.services import user_set_password, user_set_role

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 1"


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def issue(client, username: str = "dash") -> str:
    response = send(client, "post", reverse("api:token-create"), {"username": username, "password": PASSWORD})
    assert response.status_code == 201
    return response.json()["token"]


@pytest.fixture
def dash():
    return user_set_role(username="dash", role="viewer", password=PASSWORD)


def test_every_issued_token_expires_and_is_refused_after(client, dash, settings):
    token = issue(client)
    row = AuthToken.objects.get(user=dash)
    assert row.expiry - timezone.now() == pytest.approx(settings.REST_KNOX["TOKEN_TTL"], abs=datetime.timedelta(60))
    assert client.get(reverse("api:meeting-list"), **auth(token)).status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("api:meeting-list"), **auth(token)).status_code == 401


def test_disabling_a_user_stops_every_token_at_once(client, dash):
    tokens = [issue(client) for _ in range(2)]
    dash.is_active = False
    dash.save()
    for token in tokens:
        response = client.get(reverse("api:meeting-list"), **auth(token))
        assert response.status_code == 401
    # Nor can the disabled user get a new one.
    refused = send(client, "post", reverse("api:token-create"), {"username": "dash", "password": PASSWORD})
    assert refused.status_code == 401


def test_deleting_a_user_deletes_the_tokens(client, dash):
    token = issue(client)
    dash.delete()
    assert not AuthToken.objects.exists()
    assert client.get(reverse("api:meeting-list"), **auth(token)).status_code == 401


def test_logout_and_logout_all_revoke(client, dash):
    first, second, third = issue(client), issue(client), issue(client)
    assert client.post(reverse("api:token-logout"), **auth(first)).status_code == 204
    assert client.get(reverse("api:me"), **auth(first)).status_code == 401
    assert client.get(reverse("api:me"), **auth(second)).status_code == 200
    assert client.post(reverse("api:token-logout-all"), **auth(second)).status_code == 204
    for token in (second, third):
        assert client.get(reverse("api:me"), **auth(token)).status_code == 401


def test_no_token_nor_password_reaches_our_logs(client, dash, caplog, settings):
    """Every logger of the request path (django.request, axes, knox, ours) at DEBUG, through a token's
    whole life: issued, used, refused when wrong, throttled, revoked, refused when revoked."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "2/min"}}
    with caplog.at_level(logging.DEBUG):
        token = issue(client)
        used = client.get(reverse("api:meeting-list"), **auth(token)).status_code
        wrong = client.get(reverse("api:meeting-list"), **auth(token[:-4] + "0000")).status_code
        send(client, "post", reverse("api:token-create"), {"username": "dash", "password": PASSWORD + "x"})
        logged_out = client.post(reverse("api:token-logout"), **auth(token)).status_code
        revoked = client.get(reverse("api:meeting-list"), **auth(token)).status_code
        other = issue(client)
        throttled = [client.get(reverse("api:meeting-list"), **auth(other)).status_code for _ in range(3)]
    assert (used, wrong, logged_out, revoked, throttled) == (200, 401, 204, 401, [200, 200, 429])
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        for secret in (token, other):
            assert secret not in text, record.name
            assert secret[:8] not in text, record.name  # not even the part knox looks rows up by
        assert PASSWORD not in text, record.name


def test_passwords_must_pass_the_validators(dash, client_for):
    for weak in ["12345678", "password", "short"]:
        with pytest.raises(ValidationError):
            user_set_password(user=dash, password=weak)
    with pytest.raises(ValidationError):
        user_set_role(username="eve", role="viewer", password="password")
    assert not get_user_model().objects.filter(username="eve").exists()
    user_set_password(user=dash, password="another long passphrase 2")
    # The admin's form checks them too.
    client = client_for("administrator")
    url = reverse("admin:auth_user_password_change", args=[dash.pk])
    page = client.post(url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"})
    assert page.status_code == 200 and b"This password is entirely numeric." in page.content
