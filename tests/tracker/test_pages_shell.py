"""What every page of the tracker's own shares: the pinned front-end files, logging in and out outside the
admin, navigation by role, the Content-Security-Policy and no inline script."""

import hashlib
import json
import pathlib
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tracker.roles import ROLES

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(settings.BASE_DIR)
PASSWORD = "a long passphrase 1"


def test_the_vendored_files_are_the_locked_packages_own():
    manifest = json.loads((ROOT / "static/vendor/MANIFEST.json").read_text())
    lock = json.loads((ROOT / "frontend/package-lock.json").read_text())["packages"]
    declared = json.loads((ROOT / "frontend/package.json").read_text())
    pins = {**declared["dependencies"], **declared["devDependencies"]}
    assert {entry["package"] for entry in manifest.values()} == set(pins)
    for path, entry in manifest.items():
        content = (ROOT / path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], f"{path} differs from what scripts/vendor copied"
        locked = lock[f"node_modules/{entry['package']}"]
        assert entry["version"] == locked["version"] == pins[entry["package"]], f"{path}: version not pinned"
        assert locked["integrity"].startswith("sha512-")
    # No page loads anything from another origin.
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        text = template.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), f"{template} loads from another origin"


def test_log_in_and_out_outside_the_admin(client, django_user_model):
    django_user_model.objects.create_user("dana", password=PASSWORD)
    assert client.get(reverse("calendar-page")).url.startswith(reverse("login"))
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'for="id_username"' in page.content and b'for="id_password"' in page.content

    refused = client.post(reverse("login"), {"username": "dana", "password": "wrong"})
    assert refused.status_code == 200
    assert b"didn't match" in refused.content

    signed_in = client.post(reverse("login"), {"username": "dana", "password": PASSWORD, "next": "/tracks/x/"})
    assert signed_in.status_code == 302 and signed_in.url == "/tracks/x/"
    # Logging out takes a POST (with its CSRF token), never a GET a link or an image could trigger.
    assert client.get(reverse("logout")).status_code == 405
    out = client.post(reverse("logout"))
    assert out.status_code == 302
    assert client.get(reverse("calendar-page")).url.startswith(reverse("login"))


def test_the_login_page_refuses_an_open_redirect(client, django_user_model):
    django_user_model.objects.create_user("dana", password=PASSWORD)
    answer = client.post(reverse("login"), {"username": "dana", "password": PASSWORD, "next": "https://evil.test/"})
    assert answer.url == reverse("dashboard")


def test_the_login_page_is_guarded_by_the_lockout(client, django_user_model, settings):
    django_user_model.objects.create_user("dana", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dana", "password": "wrong"}, REMOTE_ADDR="10.9.0.1")
    locked = client.post(reverse("login"), {"username": "dana", "password": PASSWORD}, REMOTE_ADDR="10.9.0.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_what_the_role_allows(client_for, role):
    """Every role reads the record and the review queue; the admin link is for staff (the admin then
    applies the role)."""
    page = client_for(role).get(reverse("login")).content.decode()
    assert 'href="/review/"' in page  # every role reads the queue; editors and administrators act on it
    assert ('href="/admin/"' in page) is True  # every role user here is staff; the admin applies the role
    assert f"({role})" in page
    assert 'action="/account/logout/"' in page


def test_every_page_carries_the_policy_and_no_inline_script(client):
    answer = client.get(reverse("login"))
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    html = answer.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts), scripts
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_a_user_without_a_role_sees_no_section_it_cannot_open(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    page = client.get(reverse("login")).content.decode()
    assert 'href="/review/"' not in page and 'href="/admin/"' not in page


def test_collectstatic_with_the_production_storage_takes_every_file(tmp_path, settings):
    """Production serves static files through WhiteNoise's manifest storage, whose collectstatic refuses a
    file that refers to one missing (a vendored script's source map, say)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/htmx.min.js", "vendor/chart.umd.min.js", "tracker/app.js", "negotiations/dashboard.js"):
        assert name in manifest and (tmp_path / manifest[name]).exists(), name
