"""docker-compose.yml describes the production topology with the project's real entry points.

There is no Docker engine here, so the file is parsed and every command it
runs is resolved against the code: the WSGI callable gunicorn loads, the
Celery app and scheduler the worker and beat load, the manage.py commands.
"""

import ast
import importlib
import importlib.metadata
import re
import shlex
import sys
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
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
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


# The lock, the Dockerfile and the compose file agree ---------------------------------------------------

LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$")


def lock(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """A compiled lock: package (normalised name) -> (version, hashes). Fails on any unpinned or unhashed line."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := LOCK_LINE.match(line):
            current = canonical(match.group(1))
            pins[current] = (match.group(2), frozenset())
        elif line.startswith("    --hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes | {line.split(":", 1)[1].rstrip(" \\")})
        else:
            pytest.fail(f"{name}: not a locked requirement: {line!r}")
    assert all(hashes for _, hashes in pins.values()), f"{name}: a package without hashes"
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level(name: str) -> dict[str, str]:
    """The pins of a .in file: package -> version (extras dropped)."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            package, _, version = line.partition("==")
            pins[canonical(package.split("[", 1)[0])] = version
    return pins


def test_the_locks_pin_every_package_with_hashes_and_agree_with_their_sources():
    runtime, dev = lock("requirements.txt"), lock("requirements-dev.txt")
    for package, version in top_level("requirements.in").items():
        assert runtime[package][0] == version, f"requirements.txt is stale for {package}: run bash scripts/lock"
    for package, version in top_level("requirements-dev.in").items():
        assert dev[package][0] == version, f"requirements-dev.txt is stale for {package}: run bash scripts/lock"
    # The test lock adds to the runtime lock: the same versions and hashes, never others.
    assert {package: dev[package] for package in runtime} == runtime
    assert "pytest" in dev and "pytest" not in runtime
    # What kombu's Redis transport imports, which no test package may be the only one to bring.
    assert {"redis", "packaging"} <= set(runtime)


def test_the_image_installs_the_runtime_lock_alone_with_hashes_on_the_locks_python():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if line.startswith("RUN pip install")]
    assert installs == ["RUN pip install --no-cache-dir --require-hashes -r requirements.txt"]
    assert "requirements-dev" not in dockerfile
    python = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M).group(1)
    assert f"--python-version {python}" in (ROOT / "scripts" / "lock").read_text()
    for script in ("scripts/lib.sh",):
        assert "--require-hashes" in (ROOT / script).read_text()
    assert "ensure_venv requirements.txt" in (ROOT / "scripts" / "run").read_text()


def test_worker_and_beat_start_after_web_has_migrated(compose):
    """web's command applies the migrations and its health check passes only once gunicorn serves; beat
    exits if it starts before its schedule's tables exist."""
    services = compose["services"]
    assert "migrate" in argv(services["web"])
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}
        assert services[name]["build"] == services["web"]["build"] == "."


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_package_the_app_imports_is_in_the_runtime_lock():
    """A package our code imports but only a test package brings would be missing in production."""
    ours = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()} | {"manage"}
    app_code = [
        path
        for package in ("actors", "negotiations", "news", "review", "tracker")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    third_party = {
        module for path in app_code for module in imported_modules(path) if module not in sys.stdlib_module_names
    } - ours
    providers = importlib.metadata.packages_distributions()
    runtime = set(lock("requirements.txt"))
    missing = {module for module in third_party if not {canonical(d) for d in providers.get(module, [])} & runtime}
    assert not missing, f"imported by the app but not in requirements.txt: {sorted(missing)}"
