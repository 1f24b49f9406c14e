"""Rates per token and per client address (429 with Retry-After), and CORS for configured origins."""

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework import status

from tests.api.conftest import send
from tests.services import PrivateRedis

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        defaults = {"token": "1000/min", "address": "1000/min", "login": "1000/min"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**defaults, **rates}}

    return set_rates


def token(username: str) -> dict:
    out = io.StringIO()
    call_command("issue_token", username, "--role", "viewer", stdout=out, stderr=io.StringIO())
    return {"HTTP_AUTHORIZATION": f"Token {out.getvalue().strip()}"}


def test_a_token_over_its_rate_gets_429_with_retry_after(client, rates):
    rates(token="3/min")
    first, second = token("dash-a"), token("dash-b")
    url = reverse("api:meeting-list")
    for _ in range(3):
        assert client.get(url, **first).status_code == status.HTTP_200_OK
    refused = client.get(url, **first)
    assert refused.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")
    # Another token (even of another dashboard on the same machine) has its own budget.
    assert client.get(url, **second).status_code == status.HTTP_200_OK


def test_an_address_over_its_rate_gets_429_whatever_the_token(client, rates):
    rates(address="3/min")
    url = reverse("api:meeting-list")
    for username in ("a", "b", "c"):
        assert client.get(url, **token(username)).status_code == status.HTTP_200_OK
    refused = client.get(url, **token("d"))
    assert refused.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="192.0.2.7", **token("e")).status_code == status.HTTP_200_OK


def test_session_users_are_throttled_per_user(client_for, rates):
    rates(token="2/min")
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_password_attempts_are_throttled_per_address(client, rates):
    rates(login="2/min")
    url = reverse("api:token-create")
    attempts = [send(client, "post", url, {"username": "x", "password": "guess"}).status_code for _ in range(3)]
    assert attempts == [401, 401, 429]


def test_cors_answers_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization"}
    url = reverse("api:meeting-list")
    allowed = client.options(url, HTTP_ORIGIN="https://dashboard.example.org", **preflight)
    assert allowed.status_code == status.HTTP_200_OK
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    other = client.options(url, HTTP_ORIGIN="https://elsewhere.example.org", **preflight)
    assert "Access-Control-Allow-Origin" not in other
    # The admin is never shared across origins.
    admin = client.get("/admin/login/", HTTP_ORIGIN="https://dashboard.example.org")
    assert "Access-Control-Allow-Origin" not in admin


def test_cors_exposes_retry_after_to_dashboards(client, settings, rates):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    response = client.get(reverse("api:meeting-list"), HTTP_ORIGIN="https://dashboard.example.org", **token("dash"))
    assert response["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    # Retry-After for throttled clients; Deferred-Work when a write's background work waits for the broker.
    assert response["Access-Control-Expose-Headers"] == "Retry-After, Deferred-Work"


def test_a_client_costs_one_small_counter_per_window(client_for, rates, role_users):
    """Not DRF's list of every request's time, read and written whole at each request."""
    from django.core.cache import cache

    rates(token="100/min")
    client = client_for("viewer")
    url = reverse("api:meeting-list")
    first_window = int(time.time() // 60) * 60
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    windows = range(first_window, int(time.time() // 60) * 60 + 1, 60)
    key = f"throttle_token_user-{role_users['viewer'].pk}"
    assert sum(cache.get(f"{key}:{window}") or 0 for window in windows) == 3
    assert all(isinstance(cache.get(f"{key}:{window}"), int | None) for window in windows)


def test_the_api_answers_while_the_rate_counters_are_unreachable(client, rates, settings, tmp_path, caplog):
    """Redis restarting: requests are let through uncounted (logged), not answered with a 500."""
    rates(token="1/min", address="1/min")
    headers = token("dash-down")
    server = PrivateRedis(tmp_path)
    server.start()
    server.stop()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}}
    url = reverse("api:meeting-list")
    for _ in range(3):  # past both rates: nothing counts them while their store is away
        assert client.get(url, **headers).status_code == status.HTTP_200_OK
    assert "rate counters unreachable" in caplog.text
