"""Bad input never causes a 500, and every answer is the one the schema documents.

Schemathesis runs every operation of the API's own OpenAPI schema (the document /api/schema/ serves:
test_the_fuzzed_schema_is_the_served_one holds them equal) against the WSGI application, on the demo
dataset plus a feed with articles, as an analyst (negotiation records, actors, citations, dashboards,
sync) or an editor (feeds and articles). Each answer must pass not_a_server_error,
status_code_conformance, content_type_conformance and response_schema_conformance.

Each operation is one test: schemathesis' coverage phase (deterministic cases: each parameter and body
field at its boundaries, with values of the wrong type or format, missing or unknown fields, a malformed
body, an unsupported content type) and then MAX_EXAMPLES generated cases, valid and invalid, derandomized
with SEED so that every run sends the same requests. Bounded to about 4,000 requests: coverage cases of
one kind go to the operations that have code of their own for them (see CONFIG). The module takes about
two minutes on SQLite, two and a half on PostgreSQL, on two cores.

What the run adds to the generated cases, so that they reach past the first check of each write:
- A generated path id below UNKNOWN_IDS names an existing record of that resource (larger ones, and the
  invalid ones such as "AAA" or "null", go as generated and answer 404).
- An update or delete that names no version (no If-Match, or an empty one) gets `If-Match: *`, so the
  write itself runs (a generated If-Match still goes, and gets its 412; the 428 of a write naming no
  version is tested in test_conditional.py).
- A list asked for without `page_size` gets pages of SMALL_PAGE rows, so that the list requests stay
  cheap; every row is still validated: by the `?format=json-stream` cases, and by
  test_every_row_conforms_to_the_schema.
The rate limits are lifted (they would answer 429 within the run), and the network is offline: adding a
feed by URL finds no address, as on a machine with no network.
"""

import errno
import io
import ipaddress
import json
import socket

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from review import services as review_services
from tests import factories as f
from tracker.api.services import token_issue
from tracker.roles import ANALYST, EDITOR
from tracker.wsgi import application

MAX_EXAMPLES = 5
SEED = 20250706
SMALL_PAGE = 5
UNKNOWN_IDS = 10**6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EDITOR_PATHS = ("/api/v1/feeds/", "/api/v1/articles/")
VERSIONED_METHODS = {"PUT", "PATCH", "DELETE"}
# Lists that get valid query values only; invalid ones go to meetings, proposals, sticking points,
# citations and articles (the lists with the most, and the most varied, filters).
LISTS_WITH_VALID_VALUES_ONLY = (
    "actors",
    "tracks",
    "proposal-events",
    "responses",
    "sticking-point-statuses",
    "positions",
    "figures",
    "feeds",
)
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # Methods the schema does not list (TRACE and the like) get DRF's 405: nothing to learn there.
    "phases": {"coverage": {"unexpected-methods": []}, "stateful": {"enabled": False}},
    "operations": [
        # A PATCH body is checked field by field by the serializer of the POST: the POST's coverage cases
        # give each field its wrong types, leave out required fields, add unknown ones; the PATCH's send
        # the valid values and the boundaries, to an existing record.
        {"include-method": "PATCH", "phases": {"coverage": {"generation": {"mode": "positive"}}}},
        # A PUT takes the body of the POST to the record of the PATCH: their coverage cases reach all of
        # its code, so a PUT gets the generated cases only.
        {"include-method": "PUT", "phases": {"coverage": {"enabled": False}}},
        # Every list reads its parameters with the same paginator, sync filter, format negotiation and
        # django-filter fields, and an invalid value gets no further than those.
        {
            # By operation id: separate `include-*` keys are alternatives, and (in schemathesis 4.32.5) an
            # entry selecting by `include-*-regex` applies to every operation.
            "include-operation-id": [f"{name.replace('-', '_')}_list" for name in LISTS_WITH_VALID_VALUES_ONLY],
            "phases": {"coverage": {"generation": {"mode": "positive"}}},
        },
    ],
}


def generated_schema() -> dict:
    """The schema as /api/schema/ renders it, built without a request: the module loads it while pytest
    collects the tests, before there is a test database to serve it from. (schemathesis.pytest.from_fixture,
    which loads a schema in a fixture, fails on pytest 9.2: it reads Node._nodeid, which pytest 9.2 dropped.)"""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


SCHEMA = generated_schema()
schema = schemathesis.openapi.from_dict(SCHEMA, config=schemathesis.Config.from_dict(CONFIG))
schema.app = application  # requests go to the WSGI application, in this process: no server, no socket
PAGED_LISTS = {
    path
    for path, operations in SCHEMA["paths"].items()
    if any(parameter["name"] == "page_size" for parameter in operations.get("get", {}).get("parameters", []))
}


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker):
    """The demo dataset, a feed and its articles (with mentions and suggestions, one marked a duplicate,
    one rejected), loaded once for the module in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's `db`), so each operation starts from the same records."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            feed = f.FeedFactory()
            articles = f.ArticleFactory.create_batch(5, feed=feed)
            for article in articles:
                f.MentionFactory(article=article)
                f.SuggestionFactory(article=article)
            review_services.article_mark_duplicate(article=articles[1], reviewer=None, original=articles[0])
            review_services.article_reject(article=articles[2], reviewer=None, reason="Not about the talks.")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]").partition("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def offline(monkeypatch, network_guard):
    """No name resolves and no connection leaves the machine, as with no network at all: adding a feed
    answers the fetcher's "could not find the address" (a 400). network_guard fails the test on any leak."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (the tests run offline)")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise OSError(errno.ENETUNREACH, "Network is unreachable (the tests run offline)")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def api(records, db, settings, offline):
    """The application as a WSGI server runs it, minus the rate limits."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),  # None: no limit
    }
    # Django closes the database connection after each request; the test's transaction must outlive them
    # (Django's own test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Requests:
    """Prepares each generated case: credentials, an existing record for an id, a version to write."""

    def __init__(self, role_users):
        self.role_users = role_users
        self.tokens = {role: token_issue(user=role_users[role])[0] for role in (ANALYST, EDITOR)}
        self.ids: dict[str, list[int]] = {}

    def existing_ids(self, path: str) -> list[int]:
        if path not in self.ids:
            view = resolve(path.replace("{id}", "1")).func
            model = view.cls(action="retrieve", **view.initkwargs).get_queryset().model
            self.ids[path] = list(model.objects.order_by("pk").values_list("pk", flat=True))
        return self.ids[path]

    def prepare(self, case) -> None:
        path, method = case.operation.path, case.method.upper()
        role = EDITOR if path.startswith(EDITOR_PATHS) else ANALYST
        # Logging out revokes the token it was sent with: each logout gets a token of its own.
        token = token_issue(user=self.role_users[role])[0] if "/auth/logout" in path else self.tokens[role]
        case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
        record = (case.path_parameters or {}).get("id")
        is_number = isinstance(record, int | str) and not isinstance(record, bool) and str(record).isdecimal()
        if is_number and int(record) < UNKNOWN_IDS:
            ids = self.existing_ids(path)
            case.path_parameters["id"] = ids[int(record) % len(ids)]
        if method in VERSIONED_METHODS and "{id}" in path:
            if_match = {key.lower(): value for key, value in case.headers.items()}.get("if-match")
            if not str(if_match or "").strip():
                case.headers = {key: value for key, value in case.headers.items() if key.lower() != "if-match"}
                case.headers["If-Match"] = "*"
        if path in PAGED_LISTS and method == "GET" and "page_size" not in (case.query or {}):
            case.query = {**(case.query or {}), "page_size": SMALL_PAGE}


@pytest.fixture
def requests_for(role_users):
    return Requests(role_users)


@schema.parametrize()
# The generated cases of one operation share the test's database, as requests share a server: their writes
# pile up until the operation is done, and are then rolled back.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_server_error_and_every_answer_as_documented(case, api, requests_for):
    requests_for.prepare(case)
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_served_one(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json() == SCHEMA


def test_every_row_conforms_to_the_schema(api, requests_for):
    """Every row of every list, unpaginated (`?format=json-stream`) and in a page of the largest size, and
    the first and last record of each resource in detail, as the schema documents them."""
    lists = sorted(path for path in PAGED_LISTS if f"{path}{{id}}/" in SCHEMA["paths"])  # not deletions/
    assert len(lists) == 13
    for path in lists:
        operation = schema[path]["GET"]
        for query in ({"format": "json-stream"}, {"page_size": 500}):
            case = operation.Case(query=query)
            requests_for.prepare(case)
            response = case.call_and_validate(checks=CHECKS)
            rows = response.json() if "format" in query else response.json()["results"]
            assert rows, path
        detail = schema[f"{path}{{id}}/"]["GET"]
        ids = requests_for.existing_ids(f"{path}{{id}}/")
        for pk in {ids[0], ids[-1]}:
            case = detail.Case(path_parameters={"id": pk})
            requests_for.prepare(case)
            assert case.call_and_validate(checks=CHECKS).status_code == 200, (path, pk)
