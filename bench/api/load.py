"""Load our API, the plain DRF baseline and the hand-written floor with wrk, side by side in one run.

    .venv/bin/python -m bench.api.load [--duration 5] [--connections 8] [--rounds 3] [--workers 2]
        [--threads 4] [--endpoints default|all] [--only REGEX] [--throttle] [--verify-only]

Needs the dataset (`python -m bench.api.generate`) and wrk (Debian package `wrk`). Everything stays
on 127.0.0.1: one gunicorn (bench/api/settings.py: the project's settings on `tracker_bench_api`,
throttling off) serves all three implementations from the same workers, so they share the server
configuration: `--workers` gthread workers with `--threads` threads each (default 2 x 4: one worker per
core, a thread per wrk connection). Pending migrations are applied first (a new index, say).

1. A viewer user gets a knox token (the project's `token_issue`, as `manage.py issue_token` does).
2. Every path of every implementation is fetched once (DRF: its first three details, its first search
   term): each must answer 200, and the floor's JSON must equal ours (pagination links mapped from
   /bench/floor/ to /api/v1/); the DRF baseline's is compared too (equal, equal up to the order of nested
   lists, or how it differs). Ours or the floor failing or differing stops the run.
3. Each (endpoint, implementation) is warmed up for 1 s (the baseline by its verification requests), then
   measured in `--rounds` rounds of `--duration` s with `wrk -t1 -c<connections> --timeout 60s`. Within a
   round each endpoint is measured for every implementation back to back, in an order that rotates from
   round to round, so the noise of this shared machine falls on all of them alike. After every run the
   script waits until the workers are idle again (no query running on the benchmark database, under 5% of
   a CPU used by the workers): a slow baseline keeps working after wrk stops.
4. A Lua script sends the Authorization header, cycles through the endpoint's paths (20 detail ids, 5
   search terms) and prints the request count, mean, p50, p95 (`latency:percentile(95)`) and p99 latency
   and the errors, non-2xx responses included. Throughput is connections / mean latency (Little's law
   for wrk's closed loop: equal to completed requests / duration on fast runs, and it keeps the work of
   the requests still in flight when a slow run ends).
5. An (endpoint, implementation) whose single request (in step 2, warm) is too slow to complete about
   two requests per connection in `--duration` is measured once instead, after the rounds, in one run
   long enough for that (at most 45 s): in practice the naive DRF article search.
6. The article search is also measured with one connection, ours and the floor: its latency alone rather
   than under 8 concurrent requests on 2 cores.
7. The table: medians over the rounds of req/s, p50 and p95, with the median of the per-round ratios
   ours / DRF and floor / ours (throughput), then the targets: list endpoints at least 5x DRF's throughput
   and within 1.5x of the floor's; search p95 under 50 ms.

gunicorn runs in its own session and is stopped at the end, on an error and on Ctrl-C (SIGTERM to its
group, then SIGKILL); the token is deleted.
"""

import argparse
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.api import env
from bench.ingest import common

IMPLEMENTATIONS = ("ours", "drf", "floor")
PREFIX = {"ours": "/api/v1/", "drf": "/bench/drf/", "floor": "/bench/floor/"}
SEARCH_TERMS = ("ceasefire", "hostages", "Hamas", "humanitarian corridor", "الهدنة")
DETAIL_SAMPLE = 20
LIST_TARGET = 5.0  # ours at least this many times DRF's throughput
FLOOR_TARGET = 1.5  # ours within this factor of the floor's throughput
SEARCH_P95_TARGET_MS = 50.0
SLOW_RUN_MAX = 45  # seconds: the longest single run of a slow (endpoint, implementation)
WRK = shutil.which("wrk") or "/usr/bin/wrk"


@dataclass
class Endpoint:
    name: str
    paths: dict[str, list[str]]  # implementation -> paths, cycled through by wrk
    is_list: bool = False  # a list endpoint: the throughput targets apply
    solo: bool = False  # also measured with one connection (latency target)
    default: bool = True

    @property
    def implementations(self) -> list[str]:
        return [name for name in IMPLEMENTATIONS if name in self.paths]


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    non_2xx: int
    socket_errors: int
    connections: int

    @property
    def rps(self) -> float:
        """Throughput by Little's law for wrk's closed loop: connections / mean latency. On fast runs it equals
        completed requests / duration; on slow ones it also counts the work of the requests still in flight
        when wrk stops, which requests / duration would drop."""
        return self.connections / (self.mean_ms / 1000) if self.mean_ms else 0.0


@dataclass
class Results:
    runs: dict[tuple[str, str], list[Run]] = field(default_factory=dict)
    long_runs: set[tuple[str, str]] = field(default_factory=set)  # measured once, in one long run

    def add(self, key: tuple[str, str], run: Run) -> None:
        self.runs.setdefault(key, []).append(run)


# --- What to request ---------------------------------------------------------------------------------


def endpoints(seed: int) -> list[Endpoint]:
    """Every endpoint with its paths per implementation; ids picked from the data (a fixed sample)."""
    import random

    from negotiations.models import Meeting, Proposal, Track
    from news.models import Article

    rng = random.Random(seed)

    def sample(queryset) -> list[int]:
        ids = list(queryset.order_by("id").values_list("id", flat=True))
        return rng.sample(ids, min(DETAIL_SAMPLE, len(ids)))

    meetings = sample(Meeting.objects.filter(participant_rows__isnull=False).distinct())
    proposals = sample(Proposal.objects.filter(terms__isnull=False).distinct())
    articles = sample(Article.objects.filter(processing_state="processed"))
    track = Track.objects.filter(slug="hostage-release-working-group").first() or Track.objects.order_by("id").first()
    deep = max(2, Meeting.objects.count() // 50 // 10)  # a tenth of the way in

    def each(path: str, impls=IMPLEMENTATIONS) -> dict[str, list[str]]:
        return {name: [PREFIX[name] + path] for name in impls}

    def details(kind: str, ids: list[int]) -> dict[str, list[str]]:
        return {name: [f"{PREFIX[name]}{kind}/{pk}/" for pk in ids] for name in IMPLEMENTATIONS}

    search = {
        name: [f"{PREFIX[name]}articles/?search={quote(term)}" for term in SEARCH_TERMS] for name in IMPLEMENTATIONS
    }
    return [
        Endpoint("meetings list, page 1", each("meetings/"), is_list=True),
        Endpoint(f"meetings list, page {deep}", each(f"meetings/?page={deep}"), is_list=True),
        Endpoint("meeting detail", details("meetings", meetings)),
        Endpoint("proposals list, page 1", each("proposals/"), is_list=True),
        Endpoint("proposal detail", details("proposals", proposals)),
        Endpoint("articles list, page 1", each("articles/"), is_list=True),
        Endpoint("article search", search, is_list=True, solo=True),
        Endpoint("article detail", details("articles", articles), default=False),
        Endpoint(f"timeline ?track={track.slug}", each(f"timeline/?track={track.slug}", ("ours",))),
        Endpoint(
            f"sticking-point board ?track={track.slug}", each(f"boards/sticking-points/?track={track.slug}", ("ours",))
        ),
    ]


# --- The server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(values: dict[str, str], *, workers: int, threads: int, log: Path):
    """gunicorn on 127.0.0.1:<free port>, in its own session; yields the port, stops it whatever happens."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "tracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]
    quiet = {"PYTHONWARNINGS": "ignore:No directory at:UserWarning"}  # whitenoise: no collected static files
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=common.ROOT,
        env={**os.environ, **values, **quiet},
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                status, _, _ = fetch(port, "/healthz", token=None)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        common.stop_process(process)


def fetch(port: int, path: str, *, token: str | None) -> tuple[int, bytes, float]:
    """GET over loopback (http.client: no proxy settings apply); (status, body, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


# --- Equivalence ---------------------------------------------------------------------------------------


def _normalise(data):
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    for prefix in (PREFIX["drf"], PREFIX["floor"]):
        text = text.replace(prefix, PREFIX["ours"])
    return json.loads(text)


def _unordered(data):
    if isinstance(data, dict):
        return {key: _unordered(value) for key, value in data.items()}
    if isinstance(data, list):
        return sorted((_unordered(item) for item in data), key=lambda item: json.dumps(item, sort_keys=True))
    return data


def differences(a, b, where: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            if key not in b:
                found.append(f"{where}.{key} missing")
            elif key not in a:
                found.append(f"{where}.{key} extra")
            else:
                found += differences(a[key], b[key], f"{where}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list):
        found = [f"{where}: {len(a)} items vs {len(b)}"] if len(a) != len(b) else []
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            found += differences(x, y, f"{where}[{index}]")
        return found
    return (
        []
        if a == b
        else [f"{where}: {json.dumps(a, ensure_ascii=False)[:60]} vs {json.dumps(b, ensure_ascii=False)[:60]}"]
    )


def verify(port: int, token: str, chosen: list[Endpoint]) -> tuple[bool, dict[tuple[str, str], float]]:
    """Fetch every path of every implementation once; 200s, and the same JSON as ours. Returns whether ours
    and the floor answered 200 with that JSON, and the longest single request per (endpoint, implementation)
    in seconds."""
    print("\nEquivalence (each path fetched once; JSON compared with ours):\n")
    print("| endpoint | implementation | paths | status | KiB (first) | ms (first) | JSON vs ours |")
    print("| --- | --- | ---: | --- | ---: | ---: | --- |")
    healthy = True
    longest: dict[tuple[str, str], float] = {}
    for endpoint in chosen:
        ours_bodies = []
        for name in endpoint.implementations:
            statuses, verdicts, first = set(), [], None
            paths = endpoint.paths[name]
            if name == "drf":
                paths = paths[: 1 if "search" in endpoint.name else 3]  # the naive baseline is slow: a few
            for index, path in enumerate(paths):
                status, body, seconds = fetch(port, path, token=token)
                if 0.2 < seconds < 3:  # cold caches or a busy moment? once more, keep the faster
                    seconds = min(seconds, fetch(port, path, token=token)[2])
                longest[endpoint.name, name] = max(seconds, longest.get((endpoint.name, name), 0.0))
                statuses.add(status)
                first = first or (len(body) / 1024, seconds * 1000)
                if status != 200:
                    verdicts.append(f"{path}: {body[:200].decode(errors='replace')}")
                    continue
                data = _normalise(json.loads(body))
                if name == "ours":
                    ours_bodies.append(data)
                    continue
                ours = ours_bodies[index] if index < len(ours_bodies) else None
                if ours is None:
                    continue
                found = differences(ours, data)
                if not found:
                    verdicts.append("equal")
                elif not differences(_unordered(ours), _unordered(data)):
                    verdicts.append("equal up to nested order")
                else:
                    count = (ours.get("count"), data.get("count")) if isinstance(ours, dict) else None
                    counted = f" (count {count[0]} vs {count[1]})" if count and count[0] != count[1] else ""
                    verdicts.append(f"{len(found)} differences{counted}, e.g. {found[0]}")
            summary = "—" if name == "ours" else "; ".join(sorted(set(verdicts), key=verdicts.index)) or "—"
            ok = statuses == {200}
            if name in ("ours", "floor") and (not ok or (name == "floor" and summary != "equal")):
                healthy = False
            status_text = ", ".join(str(s) for s in sorted(statuses))
            print(
                f"| {endpoint.name} | {name} | {len(paths)} | {status_text} | {first[0]:.1f} | {first[1]:.0f} | "
                f"{summary[:300]} |"
            )
        if "search" in endpoint.name and ours_bodies:
            counts = ", ".join(
                f"{term!r}: {body.get('count')}" for term, body in zip(SEARCH_TERMS, ours_bodies, strict=False)
            )
            print(f"|  | (ours: matches per term) |  |  |  |  | {counts} |")
    return healthy, longest


# --- wrk ---------------------------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local headers = {["Authorization"] = "Token %(token)s", ["Accept"] = "application/json"}
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter - 1) %% #paths + 1], headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"mean_us": %%.1f, "non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_script(directory: Path, paths: list[str], token: str) -> Path:
    script = directory / f"run-{abs(hash(tuple(paths)))}.lua"
    if not script.exists():
        quoted = ", ".join(json.dumps(path) for path in paths)  # JSON strings are valid Lua strings here
        script.write_text(LUA % {"paths": quoted, "token": token})
    return script


def wrk(port: int, script: Path, *, connections: int, seconds: int) -> Run:
    command = [
        WRK,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)  # noqa: S603
    match = re.search(r"BENCH_RESULT (\{.*\})", done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-1000:]}")
    data = json.loads(match.group(1))
    return Run(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        mean_ms=data["mean_us"] / 1000,
        non_2xx=data["non_2xx"],
        socket_errors=data["socket_errors"],
        connections=connections,
    )


def _worker_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn master's children (its workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def settle(master: int, timeout: float = 180) -> None:
    """Wait until the workers are idle (a slow baseline's requests go on after wrk has stopped): no query
    of the benchmark database running and under 5% of a CPU used by the workers, twice in a row."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    quiet = 0
    with connection.cursor() as cursor:
        while quiet < 2 and time.monotonic() < deadline:
            before = _worker_cpu(master)
            time.sleep(0.25)
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
            idle = cursor.fetchone()[0] == 0 and _worker_cpu(master) - before < 0.0125
            quiet = quiet + 1 if idle else 0


# --- Report ------------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return common.median(values) if values else float("nan")


def ratio(results: Results, endpoint: str, top: str, bottom: str) -> float | None:
    """Throughput of `top` over `bottom`: the median of the per-round ratios (the noise of a round falls on
    both), or the ratio of the medians when one of them was measured in a single long run."""
    a, b = results.runs.get((endpoint, top), []), results.runs.get((endpoint, bottom), [])
    if not a or not b:
        return None
    if {(endpoint, top), (endpoint, bottom)} & results.long_runs:
        bottom_rps = median([r.rps for r in b])
        return median([r.rps for r in a]) / bottom_rps if bottom_rps else None
    ratios = [x.rps / y.rps for x, y in zip(a, b, strict=False) if y.rps]
    return median(ratios) if ratios else None


def report(chosen: list[Endpoint], results: Results, arguments: argparse.Namespace) -> None:
    print(
        f"\n## Results: medians of {arguments.rounds} rounds of {arguments.duration} s, wrk -c{arguments.connections} "
        "(and -c1 where marked)\n"
    )
    print("| endpoint | implementation | req/s | p50 ms | p95 ms | requests | non-2xx | ours ÷ DRF | floor ÷ ours |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    verdicts = []
    for endpoint in chosen:
        groups = [("", list(endpoint.implementations))]
        if endpoint.solo:
            groups.append(("-solo", ["ours", "floor"]))
        for suffix, names in groups:
            for name in names:
                key = (endpoint.name, name + suffix)
                runs = results.runs.get(key, [])
                if not runs:
                    continue
                cells = ["", ""]
                if name == "ours":
                    for index, (top, bottom, digits) in enumerate(
                        ((f"ours{suffix}", f"drf{suffix}", 1), (f"floor{suffix}", f"ours{suffix}", 2))
                    ):
                        value = ratio(results, endpoint.name, top, bottom)
                        cells[index] = f"{value:.{digits}f}×" if value is not None else ""
                label = endpoint.name + (" (1 connection)" if suffix else "")
                mark = " †" if key in results.long_runs else ""
                print(
                    f"| {label} | {name}{mark} | {median([r.rps for r in runs]):.1f} | "
                    f"{median([r.p50_ms for r in runs]):.1f} | {median([r.p95_ms for r in runs]):.1f} | "
                    f"{sum(r.requests for r in runs)} | {sum(r.non_2xx + r.socket_errors for r in runs)} | "
                    f"{cells[0]} | {cells[1]} |"
                )
        vs_drf = ratio(results, endpoint.name, "ours", "drf")
        vs_floor = ratio(results, endpoint.name, "floor", "ours")
        if endpoint.is_list and vs_drf is not None and vs_floor is not None:
            verdicts.append(
                f"- {endpoint.name}: {vs_drf:.1f}× DRF's throughput (target ≥ {LIST_TARGET:g}×: "
                f"{'met' if vs_drf >= LIST_TARGET else 'missed'}); the floor's is {vs_floor:.2f}× ours "
                f"(target ≤ {FLOOR_TARGET:g}×: {'met' if vs_floor <= FLOOR_TARGET else 'missed'})"
            )
        if endpoint.solo and results.runs.get((endpoint.name, "ours-solo")):
            p95 = median([r.p95_ms for r in results.runs[(endpoint.name, "ours-solo")]])
            loaded = median([r.p95_ms for r in results.runs.get((endpoint.name, "ours"), [])])
            verdicts.append(
                f"- {endpoint.name} p95: {p95:.1f} ms alone (1 connection), {loaded:.1f} ms with "
                f"{arguments.connections} connections (target < {SEARCH_P95_TARGET_MS:g} ms: "
                f"{'met' if p95 < SEARCH_P95_TARGET_MS else 'missed'})"
            )
    if results.long_runs:
        print(
            "\n† too slow for the rounds (one request alone took longer than a round could measure): measured "
            f"once, after the rounds, in one run of up to {SLOW_RUN_MAX} s; its ratios are ratios of medians."
        )
    print("\n## Targets\n")
    print("\n".join(verdicts) or "(no measured endpoint has one)")
    errors = sum(r.non_2xx + r.socket_errors for runs in results.runs.values() for r in runs)
    print(f"\nnon-2xx responses and socket errors, all runs: {errors}")


# --- Main ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn gthread workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--endpoints", choices=["default", "all"], default="default")
    parser.add_argument("--only", help="only endpoints whose name matches this regular expression")
    parser.add_argument("--throttle", action="store_true", help="keep the project's throttles (at a huge rate)")
    parser.add_argument("--verify-only", action="store_true", help="only check that the answers match (step 2)")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    values = env.setup_django()
    if arguments.throttle:
        values["BENCH_API_THROTTLE"] = "1"
    marker = env.read_marker()
    if marker is None:
        raise SystemExit(f"{env.database_name()} holds no generated dataset: run python -m bench.api.generate")
    env.migrate()
    chosen = [e for e in endpoints(arguments.seed) if e.default or arguments.endpoints == "all"]
    if arguments.only:
        chosen = [e for e in chosen if re.search(arguments.only, e.name)]

    from knox.models import AuthToken

    from tracker.api.services import token_issue
    from tracker.services import user_set_role

    user = user_set_role(username="bench-viewer", role="viewer")
    token, instance = token_issue(user=user)
    directory = Path(tempfile.mkdtemp(prefix="bench-api-"))
    started = time.monotonic()
    try:
        print_setup(arguments, marker)
        with gunicorn(values, workers=arguments.workers, threads=arguments.threads, log=directory / "gunicorn.log") as (
            port,
            master,
        ):
            healthy, longest = verify(port, token, chosen)
            if not healthy:
                raise SystemExit("\nOurs or the floor failed or differ (above): fix that before measuring.")
            if arguments.verify_only:
                return
            results = measure(port, master, token, chosen, arguments, directory, longest)
        report(chosen, results, arguments)
        print(f"\nTotal run time: {(time.monotonic() - started) / 60:.1f} min")
    finally:
        AuthToken.objects.filter(pk=instance.pk).delete()
        shutil.rmtree(directory, ignore_errors=True)


def run_seconds(arguments, single: float, connections: int) -> int:
    """How long a run must last to complete about two requests per connection, when one request alone
    takes `single` seconds and the connections share the machine's CPUs."""
    return math.ceil(2 * single * connections / (os.cpu_count() or 1))


def measure(port, master, token, chosen: list[Endpoint], arguments, directory: Path, longest) -> Results:
    """Warm-up, then the rounds; an (endpoint, implementation) too slow for `--duration` (see run_seconds)
    is measured once, after the rounds, in one run long enough for it (at most SLOW_RUN_MAX seconds)."""
    results = Results()
    plan, slow = [], []
    for endpoint in chosen:
        for name in endpoint.implementations:
            entry = (endpoint, name, name, arguments.connections)
            single = longest.get((endpoint.name, name), 0.0)
            needed = run_seconds(arguments, single, arguments.connections)
            (slow if needed > arguments.duration else plan).append(entry)
        if endpoint.solo:
            for name in ("ours", "floor"):
                plan.append((endpoint, f"{name}-solo", name, 1))
    warm = [entry for entry in plan if entry[2] != "drf"]  # the baseline's verification requests warmed it
    print(f"\nWarming up ({len(warm)} runs of 1 s)…", flush=True)
    for endpoint, _, name, connections in warm:
        wrk(port, lua_script(directory, endpoint.paths[name], token), connections=connections, seconds=1)
        settle(master)
    for number in range(arguments.rounds):
        print(f"\nRound {number + 1} of {arguments.rounds}:", flush=True)
        for endpoint in chosen:
            groups = [[(key, name, c) for e, key, name, c in plan if e is endpoint and c == arguments.connections]]
            groups.append([(key, name, c) for e, key, name, c in plan if e is endpoint and c != arguments.connections])
            for group in groups:
                if not group:
                    continue
                shift = number % len(group)
                for key, name, connections in group[shift:] + group[:shift]:
                    script = lua_script(directory, endpoint.paths[name], token)
                    run = wrk(port, script, connections=connections, seconds=arguments.duration)
                    results.add((endpoint.name, key), run)
                    show(endpoint.name, key, run)
                    settle(master)
    slow.sort(key=lambda entry: longest[(entry[0].name, entry[2])])
    for number, (endpoint, key, name, connections) in enumerate(slow):
        single = longest[(endpoint.name, name)]
        seconds = min(SLOW_RUN_MAX, run_seconds(arguments, single, connections))
        print(
            f"\nOne long run for {endpoint.name} [{key}] (one request alone took {single:.1f} s): {seconds} s",
            flush=True,
        )
        run = wrk(port, lua_script(directory, endpoint.paths[name], token), connections=connections, seconds=seconds)
        results.add((endpoint.name, key), run)
        results.long_runs.add((endpoint.name, key))
        show(endpoint.name, key, run)
        if number < len(slow) - 1:  # after the last run, gunicorn is stopped: no need to wait
            settle(master)
    return results


def show(endpoint: str, key: str, run: Run) -> None:
    flag = f", {run.non_2xx} non-2xx, {run.socket_errors} socket errors" if run.non_2xx or run.socket_errors else ""
    print(
        f"  {endpoint} [{key}]: {run.rps:.1f} req/s, p50 {run.p50_ms:.1f} ms, p95 {run.p95_ms:.1f} ms "
        f"({run.requests} requests{flag})",
        flush=True,
    )


def print_setup(arguments: argparse.Namespace, marker: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        rows = dict(cursor.fetchall())
    sizes = ", ".join(
        f"{rows.get(table, 0):,} {label}"
        for table, label in (
            ("negotiations_meeting", "meetings"),
            ("negotiations_participant", "participants"),
            ("negotiations_proposal", "proposals"),
            ("negotiations_term", "terms"),
            ("negotiations_position", "positions"),
            ("news_article", "articles"),
            ("news_mention", "mentions"),
        )
    )
    load = os.getloadavg()
    print(
        f"# API load: {env.database_name()} ({sizes}; generated {marker.get('finished_at')})\n\n"
        f"gunicorn gthread {arguments.workers} workers x {arguments.threads} threads on 127.0.0.1; wrk -t1 "
        f"-c{arguments.connections}; {arguments.rounds} rounds x {arguments.duration:g} s; throttling "
        f"{'on (huge rate)' if arguments.throttle else 'off'}; PostgreSQL {version} (shared_buffers {buffers}); "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} at start"
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("\nInterrupted (whatever this run started is stopped).")
