"""The README's quick start and what scripts/run relies on."""

import io
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from tracker.roles import ROLES
from tracker.services import user_set_password

ROOT = Path(__file__).resolve().parents[2]


def login_request():
    """django-axes checks every password against the request it comes with."""
    return RequestFactory().post("/admin/login/")


def test_readme_starts_with_a_quick_start_of_exactly_two_commands():
    readme = (ROOT / "README.md").read_text()
    sections = re.split(r"^## ", readme, flags=re.MULTILINE)
    assert sections[1].startswith("Quick start")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", sections[1], flags=re.DOTALL)
    assert len(blocks) == 1
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.strip()]
    assert commands == ["bash scripts/run", "bash scripts/test"]
    for script in ("scripts/run", "scripts/test"):
        assert (ROOT / script).is_file()
    assert "bash scripts/test" in (ROOT / ".ci/run").read_text()


def test_run_script_serves_on_port_8000_unless_port_is_set():
    script = (ROOT / "scripts/run").read_text()
    assert "${PORT:-8000}" in script
    for step in (
        "migrate",
        "load_demo",
        "create_demo_users",
        "gunicorn tracker.wsgi:application",
        "celery --app tracker worker --queues celery,ingest",
        "celery --app tracker beat --scheduler django_celery_beat.schedulers:DatabaseScheduler",
    ):
        assert step in script


@pytest.mark.django_db
def test_demo_users_get_one_login_per_role_with_working_printed_passwords(settings, tmp_path):
    settings.DEMO_LOGINS_FILE = str(tmp_path / "logins.json")
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    printed = dict(re.findall(r"username: (\S+)\s+password: (\S+)", out.getvalue()))
    assert set(printed) == set(ROLES)
    for username, password in printed.items():
        user = authenticate(login_request(), username=username, password=password)
        assert user is not None and user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [username]
    # A second run (scripts/run starting again) shows the same logins and changes no user.
    again = io.StringIO()
    call_command("create_demo_users", stdout=again)
    assert dict(re.findall(r"username: (\S+)\s+password: (\S+)", again.getvalue())) == printed
    # A password its user changed is not shown (nor reset); --reset-passwords renews them all.
    user_set_password(user=get_user_model().objects.get(username="viewer"), password="chosen-by-the-viewer-1")
    shown = io.StringIO()
    call_command("create_demo_users", stdout=shown)
    assert "viewer         username: viewer         password: (changed since it was created)" in shown.getvalue()
    assert authenticate(login_request(), username="viewer", password="chosen-by-the-viewer-1") is not None
    call_command("create_demo_users", "--reset-passwords", stdout=(renewed := io.StringIO()))
    fresh = dict(re.findall(r"username: (\S+)\s+password: (\S+)", renewed.getvalue()))
    assert set(fresh) == set(ROLES) and fresh["analyst"] != printed["analyst"]
    assert authenticate(login_request(), username="analyst", password=fresh["analyst"]) is not None


@pytest.mark.django_db
def test_health_endpoint_reaches_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_endpoint_answers_whatever_the_host_header(client, settings):
    """The container health check calls 127.0.0.1:8000/healthz; the operator's ALLOWED_HOSTS name the site."""
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").json() == {"status": "ok"}
    assert client.get("/api/v1/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # everything else is checked


def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
