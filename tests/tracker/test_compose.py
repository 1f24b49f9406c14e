"""docker-compose.yml describes the production topology with the project's real entry points.

There is no Docker engine here, so the file is parsed and every command it
runs is resolved against the code: the WSGI callable gunicorn loads, the
Celery app and scheduler the worker and beat load, the manage.py commands.
"""

import importlib
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def argv(service: dict) -> list[str]:
    command = service["command"]
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    return words


def test_services_have_health_checks_and_the_database_a_volume(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    database_volume = services["postgres"]["volumes"][0].split(":")
    assert database_volume[1] == "/var/lib/postgresql/data"
    assert database_volume[0] in compose["volumes"]


def test_app_services_share_one_image_and_wait_for_healthy_backends(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in services[name]["environment"]
    assert (ROOT / "Dockerfile").read_text().count("requirements.txt") >= 1


def test_web_runs_migrations_then_gunicorn_on_the_real_wsgi_app(compose):
    words = argv(compose["services"]["web"])
    manage_commands = [words[i + 1] for i, word in enumerate(words) if word == "manage.py"]
    assert manage_commands == ["migrate"]
    assert set(manage_commands) <= set(get_commands())
    target = words[words.index("gunicorn") + 1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize("service,subcommand", [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_load_the_project_celery_app(compose, service, subcommand):
    words = argv(compose["services"][service])
    assert words[0] == "celery"
    assert subcommand in words
    app_module = importlib.import_module(words[words.index("--app") + 1])
    assert isinstance(app_module.celery_app, Celery)
    assert app_module.celery_app.main == "tracker"
    if "--scheduler" in words:
        module, _, name = words[words.index("--scheduler") + 1].partition(":")
        assert hasattr(importlib.import_module(module), name)
