"""Production settings (docker-compose.yml's environment): `check --deploy` is clean, https is enforced
behind the TLS-terminating proxy, /healthz still answers plain http, cookies are secure, and every answer
carries the security headers and a Content-Security-Policy."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.security_headers import assert_security_headers

ROOT = Path(__file__).resolve().parents[2]
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}

# What the production settings decide about https, read from a process started with compose's environment.
PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
]


def interpolate(value: str, given: dict) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against `given` (as the operator sets them)."""

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        if given.get(name):
            return given[name]
        if op == ":?":
            pytest.fail(f"compose needs {name}: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def production_env() -> dict:
    """The app services' environment from docker-compose.yml (DEBUG unset, SECURE_COOKIES=true, a real
    SECRET_KEY as an operator generates one, ALLOWED_HOSTS…) over this process's PATH and the like."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environments = [compose["services"][name]["environment"] for name in ("web", "worker", "beat")]
    assert environments[0] == environments[1] == environments[2]
    given = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": secrets.token_urlsafe(16)}
    env = {name: value for name, value in os.environ.items() if name not in {"DEBUG", "SECRET_KEY"}}
    env.update({name: interpolate(str(value), given) for name, value in environments[0].items()})
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    assert "DEBUG" not in env and env["SECURE_COOKIES"] == "true"
    return env


@pytest.fixture(scope="module")
def production_settings(production_env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"] or ()) or None
    return values


@pytest.fixture
def production(settings, production_settings):
    """This test process with the production settings' https behaviour (each test's client is new, so the
    middleware reads them afresh)."""
    for name, value in production_settings.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    return settings


def test_check_deploy_reports_nothing_with_the_compose_environment(production_env):
    result = subprocess.run(  # noqa: S603 - this interpreter, our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_the_production_settings_enforce_https_behind_the_proxy(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production):
    for url in [reverse("admin:login"), reverse("api:meeting-list"), reverse("api:docs")]:
        response = client.get(url)
        assert response.status_code == 301, url
        assert response["Location"] == f"https://testserver{url}"


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_whatever_the_host(client, production):
    """The container's health check calls http://127.0.0.1:8000/healthz, past no proxy."""
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_https_answers_carry_hsts_and_every_security_header(client, production):
    get_user_model().objects.create_superuser("root", password="a long passphrase 1")
    pages = [reverse("admin:login"), reverse("api:docs"), reverse("api:redoc"), "/no-such-page/", "/api/v1/nope/"]
    for url in pages:
        response = client.get(url, **HTTPS)
        assert response.status_code in {200, 404}, url
        assert_security_headers(response, secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    client.force_login(get_user_model().objects.get(username="root"))
    for url in [reverse("admin:index"), reverse("admin:tracker_auditevent_changelist"), reverse("api:me")]:
        response = client.get(url, **HTTPS)
        assert response.status_code == 200, url
        assert_security_headers(response, secure=True)


@pytest.mark.django_db
def test_cookies_are_sent_over_https_only_in_production(client, production):
    get_user_model().objects.create_superuser("root", password="a long passphrase 1")
    login = client.get(reverse("admin:login"), **HTTPS)
    assert login.cookies["csrftoken"]["secure"] is True
    signed_in = client.post(
        reverse("admin:login"), {"username": "root", "password": "a long passphrase 1"}, secure=False, **HTTPS
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


@pytest.mark.django_db
def test_without_the_proxy_settings_there_is_no_hsts_nor_redirect(client):
    """The embedded mode (plain http on a laptop) keeps working: no redirect, no HSTS, the other headers."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_security_headers(response, secure=False)


def test_the_content_security_policy_allows_no_inline_script(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in directives["script-src"]
