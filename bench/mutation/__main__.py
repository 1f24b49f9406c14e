"""Mutation testing of the core modules with mutmut 3 (issue 20): small deliberate bugs put into one module at a
time, then the tests that cover that module run against each; a mutant no test notices "survives".

    .venv/bin/python -m bench.mutation urls http       # some modules
    .venv/bin/python -m bench.mutation all             # every module (long: run it before a release, not in CI)
    .venv/bin/python -m bench.mutation --list          # the modules, their files and their tests
    .venv/bin/python -m bench.mutation http --functions resolve_and_check,_blocked_reason   # what a change touched

Each module runs in its own copy of the working tree (.mutation/<module>/, git-ignored; the copy is made afresh
each run, so uncommitted changes count), with a [tool.mutmut] section written into the copy's pyproject.toml:
the module's file(s) to mutate and its targeted tests. mutmut runs those tests once, records which test calls
which function, then runs only the covering tests against each mutant, one mutant at a time, each in a
process forked from mutmut's fork server.

The report gives, per module, the mutants killed, the survivors (each with its diff), and the score: killed
(or timed out) out of all mutants, and the same leaving out the survivors listed as equivalent in
bench/mutation/survivors.md (by mutant name: a name changes when the function it is in changes, so the list
is kept with the code). Exits 1 if a module could not be run.

mutmut (3.8.1) is not a dependency of the application or of its tests: it is run as a separate program, never
imported, and installed with requirements-dev.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
SURVIVORS = Path(__file__).resolve().parent / "survivors.md"
# The apps are all copied (a mutated module imports the others); only `files` are mutated.
SOURCE_PATHS = ["tracker", "actors", "news", "negotiations", "review"]
ALSO_COPY = ["templates", "static", "manage.py"]


@dataclass(frozen=True)
class Module:
    files: tuple[str, ...]
    tests: tuple[str, ...]
    what: str


MODULES: dict[str, Module] = {
    "urls": Module(
        ("news/pipeline/urls.py",),
        ("tests/news/test_urls.py", "tests/news/test_urls_properties.py"),
        "URL canonicalisation",
    ),
    "http": Module(
        ("news/pipeline/http.py",),
        ("tests/news/test_ssrf.py", "tests/news/test_ssrf_properties.py", "tests/news/test_http.py"),
        "the SSRF guard and the fetcher",
    ),
    "mentions": Module(
        ("news/pipeline/mentions.py", "actors/text.py"),
        ("tests/news/test_mentions.py", "tests/news/test_mentions_properties.py", "tests/news/test_family_names.py"),
        "alias normalisation and mention matching",
    ),
    "dedupe": Module(
        ("news/pipeline/dedupe.py",),
        ("tests/news/test_dedupe.py",),
        "near-duplicate verification",
    ),
    "as_of": Module(
        ("negotiations/selectors.py",),
        (
            "tests/negotiations/test_selectors.py",
            "tests/negotiations/test_as_of_properties.py",
            "tests/negotiations/test_dashboard_selectors.py",
        ),
        'derived statuses and "as of" selectors',
    ),
    "conditional": Module(
        ("tracker/api/conditional.py", "tracker/api/freshness.py"),
        ("tests/api/test_conditional.py", "tests/api/test_freshness.py", "tests/api/test_etag_properties.py"),
        "conditional requests and freshness",
    ),
    "roles": Module(
        ("tracker/roles.py", "tracker/api/permissions.py"),
        ("tests/tracker/test_roles.py", "tests/api/test_permissions.py", "tests/tracker/test_access_matrix.py"),
        "roles and permissions",
    ),
    "review": Module(
        ("review/services.py",),
        ("tests/review/test_services.py", "tests/review/test_api.py", "tests/review/test_concurrency.py"),
        "the review services",
    ),
    "ingest": Module(
        ("news/services.py",),
        ("tests/news/test_processing.py", "tests/news/test_batch.py", "tests/news/test_polling.py"),
        "the ingestion services",
    ),
}

KILLED = {"killed", "timeout", "caught by type check", "segfault"}
RESULT_LINE = re.compile(r"^\s*(?P<name>[\w.]+): (?P<status>.+?)\s*$")
SURVIVOR_ENTRY = re.compile(r"^[-*] `(?P<name>[\w.]+)`")


def _toml_list(values) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def _prepare(name: str, module: Module) -> Path:
    """A fresh copy of the working tree (tracked and untracked files, not ignored ones) with mutmut's settings."""
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    git = shutil.which("git") or "/usr/bin/git"
    listed = subprocess.run(  # noqa: S603 - our own command line
        [git, "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file() and not relative.startswith(("frontend/", "tests/browser/")):
            target = work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    tests = [test for test in module.tests if (ROOT / test).exists()]
    with (work / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(
            "\n[tool.mutmut]\n"
            f"source_paths = {_toml_list(SOURCE_PATHS)}\n"
            f"also_copy = {_toml_list(ALSO_COPY)}\n"
            f"only_mutate = {_toml_list(module.files)}\n"
            f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
            # Workers forked from a server that has not run the tests itself (see --max-children below).
            'process_isolation = "forkserver"\n'
        )
    return work


def _mutmut(work: Path, *args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mutmut", *args]
    if log is None:
        return subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)  # noqa: S603
    with log.open("w", encoding="utf-8") as output:
        return subprocess.run(command, cwd=work, stdout=output, stderr=subprocess.STDOUT, check=False)  # noqa: S603


def equivalent_survivors() -> set[str]:
    """Mutant names listed in survivors.md as equivalent or not worth a test."""
    if not SURVIVORS.exists():
        return set()
    names = set()
    for line in SURVIVORS.read_text(encoding="utf-8").splitlines():
        match = SURVIVOR_ENTRY.match(line)
        if match:
            names.add(match["name"])
    return names


def _diff(work: Path, mutant: str) -> str:
    shown = _mutmut(work, "show", mutant).stdout
    return "\n".join(
        f"        {line}"
        for line in shown.splitlines()
        if line.startswith(("-", "+")) and line[:3] not in ("---", "+++")
    )


def _patterns(module: Module, functions: list[str]) -> list[str]:
    """mutmut's mutant-name globs for some functions of a module (`Class.method` for a method)."""
    dotted = [file.removesuffix(".py").replace("/", ".") for file in module.files]
    patterns = []
    for function in functions:
        name = f"x_{function}" if "." not in function else "x\u01c1" + function.replace(".", "\u01c1")
        patterns += [f"{prefix}.{name}__mutmut_*" for prefix in dotted]
    return patterns


def run(name: str, module: Module, equivalent: set[str], functions: list[str]) -> dict | None:
    work = _prepare(name, module)
    started = time.monotonic()
    only = f", functions {', '.join(functions)}" if functions else ""
    print(f"== {name}: {module.what} ({', '.join(module.files)}{only})", flush=True)
    log = work / "mutmut-run.log"
    patterns = _patterns(module, functions)
    # One worker at a time: the settings name the SQLite test database after the process that imported them,
    # so forked workers share one file, and database tests running side by side fail whatever the mutant
    # (every mutant would count as killed). One at a time also leaves the other core to the machine.
    if _mutmut(work, "run", "--max-children", "1", *patterns, log=log).returncode != 0:
        print(f"   mutmut failed; see {log}", flush=True)
        return None
    results = _mutmut(work, "results", "--all", "true").stdout
    statuses = {}
    for line in results.splitlines():
        match = RESULT_LINE.match(line)
        if match and (not patterns or any(fnmatch.fnmatchcase(match["name"], pattern) for pattern in patterns)):
            statuses[match["name"]] = match["status"]
    killed = [mutant for mutant, status in statuses.items() if status in KILLED]
    skipped = [mutant for mutant, status in statuses.items() if status == "skipped"]
    alive = sorted((mutant for mutant in statuses if mutant not in killed and mutant not in skipped), key=_natural_key)
    listed = [mutant for mutant in alive if mutant in equivalent]
    unexplained = [mutant for mutant in alive if mutant not in equivalent]
    total = len(statuses) - len(skipped)
    score = 100 * len(killed) / total if total else 0.0
    meaningful = total - len(listed)
    meaningful_score = 100 * len(killed) / meaningful if meaningful else 100.0
    for mutant in unexplained:
        print(f"   survived ({statuses[mutant]}): {mutant}\n{_diff(work, mutant)}", flush=True)
    print("   per function (killed / mutants, listed equivalents left out):")
    for function, (function_killed, function_total) in _per_function(statuses, killed, skipped, listed).items():
        print(f"     {function:48} {function_killed:4} / {function_total:<4}")
    if listed:
        print(f"   {len(listed)} more survivors are listed as equivalent in {SURVIVORS.relative_to(ROOT)}")
    print(
        f"   {len(killed)}/{total} killed ({score:.1f}%); {len(killed)}/{meaningful} of the non-equivalent "
        f"({meaningful_score:.1f}%) in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return {
        "module": name,
        "total": total,
        "killed": len(killed),
        "equivalent": len(listed),
        "unexplained": len(unexplained),
        "score": score,
        "meaningful_score": meaningful_score,
    }


def _per_function(statuses: dict, killed: list, skipped: list, listed: list) -> dict[str, tuple[int, int]]:
    """(killed, mutants) per mutated function: `news.pipeline.http.x_check_address__mutmut_3` counts for
    `news.pipeline.http.check_address` (a method's mutant, `xǁClassǁmethod__mutmut_3`, for `Class.method`)."""
    counts: dict[str, list[int]] = {}
    excluded = set(skipped) | set(listed)
    for mutant in statuses:
        if mutant in excluded:
            continue
        module, _, name = mutant.rpartition(".")
        function = name.split("__mutmut_")[0].removeprefix("x_").removeprefix("x").replace("\u01c1", ".").strip(".")
        entry = counts.setdefault(f"{module}.{function}", [0, 0])
        entry[1] += 1
        entry[0] += mutant in killed
    return {function: (entry[0], entry[1]) for function, entry in sorted(counts.items())}


def _natural_key(mutant: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", mutant))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"'all' or some of: {', '.join(MODULES)}")
    parser.add_argument("--list", action="store_true", help="list the modules, their files and their tests")
    parser.add_argument(
        "--functions",
        default="",
        help="comma-separated functions (or Class.method) of the module(s) to mutate, e.g. the ones a change touched",
    )
    options = parser.parse_args(argv)
    if options.list or not options.modules:
        for name, module in MODULES.items():
            print(f"{name:12} {module.what}")
            print(f"{'':12} mutates {', '.join(module.files)}\n{'':12} runs {' '.join(module.tests)}")
        return 0
    names = list(MODULES) if options.modules == ["all"] else options.modules
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(MODULES)} or 'all'")
    if importlib.util.find_spec("mutmut") is None:
        parser.error(f"mutmut is not installed in {sys.prefix}: pip install mutmut (requirements-dev)")
    equivalent = equivalent_survivors()
    functions = [function.strip() for function in options.functions.split(",") if function.strip()]
    rows = [run(name, MODULES[name], equivalent, functions) for name in names]
    print("\n| module | mutants | killed | equivalent | unexplained survivors | score | non-equivalent killed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in zip(names, rows, strict=True):
        if row is None:
            print(f"| {name} | failed | | | | | |")
        else:
            print(
                f"| {name} | {row['total']} | {row['killed']} | {row['equivalent']} | {row['unexplained']} "
                f"| {row['score']:.1f}% | {row['meaningful_score']:.1f}% |"
            )
    return 1 if None in rows else 0


if __name__ == "__main__":
    sys.exit(main())
