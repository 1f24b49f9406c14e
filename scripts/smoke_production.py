"""Production smoke test: the app installed and started as production installs and starts it.

1. A fresh virtualenv built as the Dockerfile builds the image: its ENV and RUN lines (the runtime lock
   alone, installed with --require-hashes; collectstatic), nothing from the test requirements.
2. web, worker and beat started with the commands docker-compose.yml gives them and the environment of
   its app services, on the local PostgreSQL (a database of its own) and Redis (a database of its own).
   The only changes: the web port (a free loopback port instead of 0.0.0.0:8000), the database and
   Redis addresses (local instead of compose's service names), and the feed server let through the
   SSRF guard (INGEST_ALLOWED_HOSTS) with a short minimum poll interval.
3. The services' own health checks from docker-compose.yml pass (web's /healthz, the worker's ping).
4. A feed served by a local HTTP server is added over the API with an editor's token; its items are
   processed by the worker and listed by the API; a poll asked for over the API brings a new item; a
   poll that beat sends on its own schedule brings another.
5. SIGTERM stops every process within the grace period compose gives (10 s), then everything is removed.

Run by .ci/run with the system python3 (standard library only): `python3 scripts/smoke_production.py`.
It prints each step and, on failure, the end of every process's log; the exit status says how it went.
"""

import http.server
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/9")
STOP_GRACE = 10  # seconds: docker's default stop_grace_period, which compose leaves as is


class SmokeFailure(Exception):
    pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def step(message: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(what: str, check, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")


# The Dockerfile and docker-compose.yml --------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def compose_file(python: Path) -> dict:
    """docker-compose.yml as data, read with the PyYAML the runtime lock installs (drf-spectacular needs it)."""
    code = "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)"
    out = subprocess.run(  # noqa: S603 - our own virtualenv's python
        [str(python), "-c", code, str(ROOT / "docker-compose.yml")], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def interpolate(value: str, env: dict) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against `env`."""

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":-":
            return arg
        if op == ":?":
            raise SmokeFailure(f"compose needs {name}: {arg}")
        return ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def command_words(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


# The feed server ------------------------------------------------------------------------------------

ARTICLE = (
    "Negotiators for Israel and Hamas met in Doha through Qatari and Egyptian mediators on {day} July 2025. "
    "They discussed a sixty-day truce, the release of hostages and prisoners, and the line Israeli forces "
    "would withdraw to. Mediators said the talks on aid distribution would resume the next morning. "
)


class FeedSite:
    """An RSS feed and its article pages on 127.0.0.1, whose items can be added while it runs."""

    def __init__(self):
        self.items: list[int] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                body, kind = site.page(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def page(self, path: str) -> tuple[bytes, str]:
        if path == "/feed.xml":
            entries = "".join(
                f"<item><guid>smoke-{n}</guid><title>Doha round {n}</title><link>{self.url(f'/articles/{n}')}</link>"
                f"<description>Talks, day {n}.</description>"
                f"<pubDate>Sat, 05 Jul 2025 10:{n:02d}:00 GMT</pubDate></item>"  # minutes apart: a short interval
                for n in self.items
            )
            channel = f"<channel><title>Smoke Desk</title>{entries}</channel>"
            return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode(), "application/rss+xml"
        match = re.fullmatch(r"/articles/(\d+)", path)
        if match and int(match.group(1)) in self.items:
            text = ARTICLE.format(day=match.group(1)) * 3
            html = f"<html><head><title>Round {match.group(1)}</title></head><body><article><p>{text}</p></article>"
            return f"{html}</body></html>".encode(), "text/html; charset=utf-8"
        return b"", "text/plain"

    def close(self):
        self.server.shutdown()


# The run --------------------------------------------------------------------------------------------


class Smoke:
    def __init__(self, work: Path):
        self.work = work
        self.venv = work / "venv"
        self.python = self.venv / "bin" / "python"
        self.logs = work / "logs"
        self.logs.mkdir()
        self.database = f"tracker_smoke_{os.getpid()}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.site = FeedSite()
        self.env: dict[str, str] = {}

    def run(self, words, *, env=None, shell=False, what: str) -> str:
        result = subprocess.run(  # noqa: S603 - commands of this repository's own files
            words,
            cwd=ROOT,
            env=env or self.env,
            shell=shell,  # the Dockerfile's RUN lines are shell commands
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode:
            output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            raise SmokeFailure(f"{what} failed ({result.returncode}):\n{output}")
        return result.stdout

    def build(self) -> None:
        """The image's build, in a virtualenv: the Dockerfile's ENV, then its RUN lines in order."""
        step("building a fresh virtualenv as the Dockerfile builds the image")
        self.run([sys.executable, "-m", "venv", str(self.venv)], env=dict(os.environ), what="venv")
        env = {**os.environ, "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(self.venv)}
        self.run([str(self.python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], env=env, what="pip")
        runs = 0
        for instruction, arguments in dockerfile_instructions():
            if instruction == "ENV":
                env.update(word.split("=", 1) for word in shlex.split(arguments))
            elif instruction == "RUN":
                if arguments.split()[0] in {"useradd", "chown"}:  # the image's own user: not ours to create here
                    continue
                step(f"  RUN {arguments}")
                self.run(arguments, env=env, shell=True, what=f"RUN {arguments}")  # noqa: S604
                runs += 1
        if not runs:
            raise SmokeFailure("the Dockerfile has no RUN line to build with")
        self.base_env = env

    def configure(self, compose: dict) -> None:
        """The app services' environment from docker-compose.yml, with local addresses."""
        services = compose["services"]
        given = {"SECRET_KEY": secrets.token_urlsafe(40), "POSTGRES_PASSWORD": "unused-here"}
        env = dict(self.base_env)
        env.pop("DEBUG", None)
        for name, value in services["web"]["environment"].items():
            env[name] = interpolate(str(value), given)
        env.update(
            DATABASE_URL=f"{PG}/{self.database}",
            REDIS_URL=REDIS,
            INGEST_ALLOWED_HOSTS=self.site.host,
            INGEST_MIN_INTERVAL="30",
            INGEST_HOST_MIN_GAP="0",
            HOSTNAME=socket.gethostname(),
        )
        self.env = env
        self.allowed_host = env["ALLOWED_HOSTS"].split(",")[0]
        self.compose = services

    def database_command(self, sql: str) -> None:
        self.run([str(self.python), "-c", PSQL, f"{PG}/postgres", sql], env=self.base_env, what=sql)

    def start(self, name: str) -> None:
        words = command_words(self.compose[name]["command"])
        words = [word.replace("0.0.0.0:8000", f"127.0.0.1:{self.port}") for word in words]
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.processes[name] = subprocess.Popen(  # noqa: S603 - compose's own commands
            words, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        step(f"started {name}: {shlex.join(words)}")

    def healthy(self, name: str) -> bool:
        test = self.compose[name]["healthcheck"]["test"]
        kind, words = test[0], test[1:]
        words = [word.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}").replace("$$", "$") for word in words]
        command = ["sh", "-c", words[0]] if kind == "CMD-SHELL" else words
        if name != "web" and self.processes[name].poll() is not None:
            raise SmokeFailure(f"{name} exited with {self.processes[name].returncode}")
        return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True).returncode == 0  # noqa: S603

    def api(self, method: str, path: str, body=None, token: str | None = None, *, proxied: bool = True):
        """A request to web as its TLS-terminating proxy passes it on (`proxied`) or straight over plain http;
        redirects are answers here, not followed."""
        request = urllib.request.Request(  # noqa: S310 - a loopback URL of ours
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Host": self.allowed_host,
                # As the TLS-terminating proxy in front of compose's web service says: the client used https
                # (the production settings redirect plain http there).
                **({"X-Forwarded-Proto": "https"} if proxied else {}),
                "Accept": "application/json",
                "Content-Type": "application/json",
                **({"Authorization": f"Token {token}"} if token else {}),
            },
        )
        try:
            with urllib.request.build_opener(NoRedirects).open(request, timeout=60) as response:
                return response.status, dict(response.headers), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def processed(self, token: str, feed_id: int) -> list[dict]:
        status, _, body = self.api("GET", f"/api/v1/articles/?feed={feed_id}&processing_state=processed", token=token)
        if status != 200:
            raise SmokeFailure(f"listing articles answered {status}: {body}")
        return body["results"]

    def stop(self) -> list[str]:
        """SIGTERM to every process group; those still running after the grace period are killed and named."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        stuck = []
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                stuck.append(name)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        return stuck

    def show_logs(self) -> None:
        for path in sorted(self.logs.glob("*.log")):
            print(f"----- {path.name} (last lines) -----")
            print("\n".join(path.read_text(errors="replace").splitlines()[-40:]))


PSQL = """
import sys, psycopg2
connection = psycopg2.connect(sys.argv[1])
connection.autocommit = True
connection.cursor().execute(sys.argv[2])
"""


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="smoke-") as folder:
        smoke = Smoke(Path(folder))
        try:
            smoke.build()
            smoke.configure(compose_file(smoke.python))
            smoke.database_command(f'DROP DATABASE IF EXISTS "{smoke.database}"')
            smoke.database_command(f'CREATE DATABASE "{smoke.database}"')
            smoke.run([str(smoke.python), "-c", FLUSH, REDIS], what="emptying the smoke test's Redis database")
            try:
                return scenario(smoke, started)
            finally:
                stuck = smoke.stop()
                smoke.site.close()
                smoke.database_command(f'DROP DATABASE IF EXISTS "{smoke.database}"')
                if stuck:
                    raise SmokeFailure(f"still running {STOP_GRACE} s after SIGTERM: {', '.join(stuck)}")
                step(f"every process stopped within {STOP_GRACE} s of SIGTERM")
        except SmokeFailure as failure:
            smoke.show_logs()
            if os.environ.get("SMOKE_KEEP"):
                import shutil

                shutil.copytree(smoke.logs, os.environ["SMOKE_KEEP"], dirs_exist_ok=True)
            print(f"PRODUCTION SMOKE TEST FAILED: {failure}", flush=True)
            return 1


FLUSH = "import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()"


APP_SERVICES = ("web", "worker", "beat")
HEALTHY_WITHIN = {"web": 120, "worker": 90}  # seconds; beat's compose check reads a container's /proc/1


def start_order(services: dict) -> list[str]:
    """The app services in the order compose starts them: each after the services it depends on."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in order or name not in APP_SERVICES:
            return
        if name in path:
            raise SmokeFailure(f"docker-compose.yml: a dependency cycle through {name}")
        for dependency in services[name].get("depends_on", {}):
            visit(dependency, (*path, name))
        order.append(name)

    for name in APP_SERVICES:
        visit(name)
    return order


def scenario(smoke: Smoke, started: float) -> int:
    healthy: set[str] = set()
    for name in start_order(smoke.compose):
        for dependency, rule in smoke.compose[name].get("depends_on", {}).items():
            if dependency in APP_SERVICES and rule.get("condition") == "service_healthy" and dependency not in healthy:
                raise SmokeFailure(f"{name} waits for {dependency}, which has no health check passing")
        smoke.start(name)
        if name in HEALTHY_WITHIN:
            wait_until(f"{name}'s health check", lambda name=name: smoke.healthy(name), HEALTHY_WITHIN[name], every=1)
            healthy.add(name)
            step(f"{name} passes its health check")
    time.sleep(3)
    for name, process in smoke.processes.items():
        if process.poll() is not None:
            raise SmokeFailure(f"{name} exited with {process.returncode}")

    out = smoke.run([str(smoke.python), "manage.py", "issue_token", "smoke-editor", "--role", "editor"], what="token")
    token = out.strip().splitlines()[-1]

    status, headers, _ = smoke.api("GET", "/api/v1/auth/me/", token=token, proxied=False)
    if status != 301 or not headers.get("Location", "").startswith("https://"):
        raise SmokeFailure(f"plain http was not redirected to https: {status} {headers.get('Location')}")
    status, headers, body = smoke.api("GET", "/api/v1/auth/me/", token=token)
    if status != 200 or not headers.get("Strict-Transport-Security", "").startswith("max-age="):
        raise SmokeFailure(f"an https request answered {status} without HSTS: {body}")
    step("plain http is redirected to https; an https request (as the proxy forwards it) carries HSTS")

    smoke.site.items = [1, 2]
    status, headers, body = smoke.api(
        "POST", "/api/v1/feeds/", {"url": smoke.site.url("/feed.xml"), "poll_interval": "00:01:00"}, token
    )
    if status != 201:
        raise SmokeFailure(f"adding the feed answered {status}: {body}")
    if "Deferred-Work" in headers:
        raise SmokeFailure(f"the broker did not take the work: {headers['Deferred-Work']}")
    feed_id = body["id"]
    step(f"feed {feed_id} added over the API ({body['article_count']} items)")
    wait_until("the first two articles, processed", lambda: len(smoke.processed(token, feed_id)) == 2, 120)
    step("the worker processed both; the API lists them")

    smoke.site.items = [1, 2, 3]
    status, _, body = smoke.api("POST", f"/api/v1/feeds/{feed_id}/poll/", None, token)
    if status != 202:
        raise SmokeFailure(f"asking for a poll answered {status}: {body}")
    wait_until("the item a poll asked for over the API brings", lambda: len(smoke.processed(token, feed_id)) == 3, 90)
    step("a poll asked for over the API brought the third item")

    smoke.site.items = [1, 2, 3, 4]
    wait_until(
        "the item beat's own poll brings (the feed falls due within a minute; beat ticks every minute)",
        lambda: len(smoke.processed(token, feed_id)) == 4,
        200,
        every=2,
    )
    titles = sorted(article["title"] for article in smoke.processed(token, feed_id))
    if titles != [f"Doha round {n}" for n in (1, 2, 3, 4)]:
        raise SmokeFailure(f"unexpected articles: {titles}")
    step("beat polled the feed on its schedule and the fourth item was processed")
    step(f"production smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
