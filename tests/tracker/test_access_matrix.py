"""Role × endpoint × method: every route of the URL configuration (each API route, each admin URL, the
rest) is requested by every kind of user with every method, and the answer must follow tracker/roles.py.

The endpoints are found by walking the URL configuration, not listed by hand. A model endpoint's rule is
its model's role rule (RULES[role](app, model, action)); an API action beyond the standard ones must name
its model action (the view's `action_permissions`); every other endpoint must be declared below with who
may use it. An endpoint added later without a rule fails `test_every_endpoint_has_a_rule`.

Allowed means any answer but 401, 403 and 405 (a 400 for an empty body, a 404 for a missing row: the
permission check came first); refused means 401 for an anonymous client and 403 for a signed-in one; a
method the endpoint does not offer is a 405 (or the 401 asking an anonymous client to sign in first).
A 5xx anywhere fails.
"""

import datetime
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from rest_framework.views import APIView

from tests.api.conftest import send
from tests.tracker.test_admin_queries import build
from tracker.api.permissions import METHOD_ACTIONS, RolePermissions
from tracker.api.services import token_issue
from tracker.roles import ROLES, RULES
from tracker.services import audit_record

pytestmark = pytest.mark.django_db

ANONYMOUS, NO_ROLE = "anonymous", "no-role"
PRINCIPALS = [ANONYMOUS, NO_ROLE, *ROLES]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
MISSING = "999999"  # a row that does not exist: the permission check answers before the lookup
STANDARD_ACTIONS = {"list", "create", "retrieve", "update", "partial_update", "destroy"}

# Who may use the endpoints that are not a model's: (route name) -> {method: audience}.
PUBLIC, SIGNED_IN, STAFF, ANY_ROLE = "public", "signed-in", "staff", "any role"
API_ENDPOINTS = {
    "api:token-create": {"POST": PUBLIC},
    "api:token-logout": {"POST": SIGNED_IN},
    "api:token-logout-all": {"POST": SIGNED_IN},
    "api:me": {"GET": SIGNED_IN},
    # Lists only the types the user may view (tests/api/test_sync.py): none without a role, a 403.
    "api:deletions": {"GET": ANY_ROLE},
    "api:root": {"GET": PUBLIC},  # the index of resources: links only
    # The user's own calendar address: reading meetings is what it gives, and all it needs.
    "api:my-calendar": {"GET": ANY_ROLE, "POST": ANY_ROLE, "DELETE": ANY_ROLE},
    # A secret per-user address (calendar apps send no Authorization header): an unknown key is a 404.
    "api:calendar-feed": {"GET": PUBLIC},
    "api:schema": {"GET": PUBLIC},
    "api:docs": {"GET": PUBLIC},
    "api:redoc": {"GET": PUBLIC},
}
OTHER_ENDPOINTS = {
    "healthz": {"GET": PUBLIC},
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"POST": PUBLIC},
    # The tracker's own pages: tests/tracker/test_pages_access.py requests each one as every principal.
    "dashboard": {"GET": SIGNED_IN},
    "track": {"GET": SIGNED_IN},
    "track-meetings": {"GET": SIGNED_IN},
    "actor": {"GET": SIGNED_IN},
    "meeting": {"GET": SIGNED_IN},
    "proposal": {"GET": SIGNED_IN},
    "sticking-point": {"GET": SIGNED_IN},
    "review:queue": {"GET": SIGNED_IN},
    "review:article": {"GET": SIGNED_IN},
    "review:record-form": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "review:accept": {"POST": SIGNED_IN},
    "review:reject": {"POST": SIGNED_IN},
    "review:duplicate": {"POST": SIGNED_IN},
    "review:undo": {"POST": SIGNED_IN},
    "review:bulk": {"POST": SIGNED_IN},
    "calendar-page": {"GET": SIGNED_IN, "POST": SIGNED_IN},  # the user's own calendar address
}
ADMIN_SITE = {
    "admin:index": {"GET": STAFF},
    "admin:login": {"GET": PUBLIC},
    "admin:logout": {"POST": PUBLIC},
    "admin:password_change": {"GET": STAFF},
    "admin:password_change_done": {"GET": STAFF},
    "admin:jsi18n": {"GET": STAFF},
    # Answers each field's own permission check (a 403 without view permission on the related model).
    "admin:autocomplete": {"GET": STAFF},
    "admin:view_on_site": {"GET": STAFF},
    "admin:app_list": {"GET": STAFF},
}
# Model admin pages: (URL name suffix) -> {method: model action needed, several meaning any of them}.
ADMIN_PAGES = {
    "changelist": {"GET": ("view", "change"), "POST": ("view", "change")},
    "add": {"GET": ("add",), "POST": ("add",)},
    "change": {"GET": ("view", "change"), "POST": ("change",)},
    "delete": {"GET": ("delete",), "POST": ("delete",)},
    "history": {"GET": ("view", "change")},
    "simple_history": {"GET": ("view", "change"), "POST": ("change",)},
    "password_change": {"GET": ("change",), "POST": ("change",)},
}
# What an admin refuses whatever the role: rows only the app writes, logs nobody edits.
ADMIN_REFUSES = {
    ("axes", "accessattempt", "add"),
    ("axes", "accesslog", "add"),
    ("axes", "accessfailurelog", "add"),
    ("tracker", "auditevent", "add"),
    ("tracker", "auditevent", "change"),
    ("tracker", "auditevent", "delete"),
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: object


def walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = namespace + (entry.name or "")
            yield Route(name, prefix + str(entry.pattern), entry.callback)


def routes() -> list[Route]:
    found = list(walk(get_resolver().url_patterns))
    # The admin's catch-all (no name) answers 404 or a redirect to a URL with a slash, never a page.
    return [route for route in found if not route.name.endswith(":")]


def view_class(route: Route):
    return getattr(route.callback, "cls", None) or getattr(route.callback, "view_class", None)


def registered_admin_pages() -> dict[str, tuple[str, str, str]]:
    """admin URL name -> (app, model, page) for every registered model admin's URLs."""
    pages = {}
    for model in admin.site._registry:
        for page in ADMIN_PAGES:
            pages[f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"] = (
                model._meta.app_label,
                model._meta.model_name,
                page,
            )
    return pages


def model_rule(route: Route, method: str):
    """For an API route checked by RolePermissions: (offered, [(app, model, action), ...] needed)."""
    cls = view_class(route)
    actions = getattr(route.callback, "actions", None)
    view = cls(**getattr(route.callback, "initkwargs", {}))
    if actions is not None:
        if method.lower() not in actions:
            return False, []
        view.action = actions[method.lower()]
        declared = getattr(view, "action_permissions", {})
        if view.action not in STANDARD_ACTIONS and view.action not in declared:
            raise AssertionError(f"{route.name}: the action {view.action!r} names no model action")
        action = declared.get(view.action) or METHOD_ACTIONS[method]
    else:
        if not hasattr(view, method.lower()):
            return False, []
        action = METHOD_ACTIONS[method]
    model = RolePermissions.model_of(view)
    needed = [
        (model._meta.app_label, model._meta.model_name, "view"),
        (model._meta.app_label, model._meta.model_name, action),
    ]
    if action != "view":
        needed += [
            (nested._meta.app_label, nested._meta.model_name, nested_action)
            for nested in getattr(view, "nested_models", ())
            for nested_action in ("view", "add", "change", "delete")
        ]
    needed += [(read._meta.app_label, read._meta.model_name, "view") for read in getattr(view, "read_models", ())]
    return True, needed


def checked_by_roles(route: Route) -> bool:
    cls = view_class(route)
    return (
        cls is not None
        and issubclass(cls, APIView)
        and any(issubclass(permission, RolePermissions) for permission in cls.permission_classes)
    )


def audience_allows(audience: str, principal: str) -> bool:
    if audience == PUBLIC:
        return True
    if audience == ANY_ROLE:
        return principal in ROLES
    return principal != ANONYMOUS  # every signed-in user in this matrix is staff


# Expectations --------------------------------------------------------------------------------------------


def expected(route: Route, method: str, principal: str) -> str:
    """'allowed', 'refused' or 'not offered'."""
    if route.name in registered_admin_pages():
        app, model, page = registered_admin_pages()[route.name]
        needs = ADMIN_PAGES[page].get(method)
        if needs is None:
            return "not offered"
        if principal == ANONYMOUS:
            return "refused"
        allowed = principal != NO_ROLE and any(
            RULES[principal](app, model, action) and (app, model, action) not in ADMIN_REFUSES for action in needs
        )
        return "allowed" if allowed else "refused"
    declared = {**API_ENDPOINTS, **OTHER_ENDPOINTS, **ADMIN_SITE}.get(route.name)
    if declared is not None:
        if method not in declared:
            return "not offered"
        return "allowed" if audience_allows(declared[method], principal) else "refused"
    offered, needed = model_rule(route, method)
    if principal == ANONYMOUS:
        return "refused"
    if not offered:
        return "not offered"
    if principal == NO_ROLE:
        return "refused"
    return "allowed" if all(RULES[principal](*permission) for permission in needed) else "refused"


def test_every_endpoint_has_a_rule():
    """Fails for a route added without one: declare it above, or check it with RolePermissions."""
    admin_pages = registered_admin_pages()
    declared = {**API_ENDPOINTS, **OTHER_ENDPOINTS, **ADMIN_SITE}
    names = [route.name for route in routes()]
    unruled = [
        route.pattern
        for route in routes()
        if route.name not in declared and route.name not in admin_pages and not checked_by_roles(route)
    ]
    assert not unruled, f"endpoints without a rule: {unruled}"
    assert not set(declared) - set(names), "rules for endpoints that no longer exist"
    for route in routes():
        if checked_by_roles(route):
            for method in METHODS:
                model_rule(route, method)  # an undeclared extra action fails here
    # Every registered model admin has its pages matched by a rule (a new kind of admin page fails).
    for route in routes():
        if route.name.startswith("admin:") and route.name not in declared:
            assert route.name in admin_pages, f"an admin page without a rule: {route.name} ({route.pattern})"


# Requests ------------------------------------------------------------------------------------------------


@pytest.fixture
def principals(role_users):
    users = dict(role_users)
    users[NO_ROLE] = get_user_model().objects.create_user("no-role-user", is_staff=True)
    return users


def api_url(route: Route) -> str:
    kwargs = {"pk": MISSING} if "(?P<pk>" in route.pattern else {}
    if "<slug:key>" in route.pattern:
        kwargs["key"] = "not-a-calendar-key"
    return reverse(route.name, kwargs=kwargs)


def verdict(status: int) -> str:
    assert status < 500, status
    if status == 405:
        return "not offered"
    if status in {401, 403}:
        return "refused"
    return "allowed"


def reconcile(outcome: str, want: str, principal: str) -> bool:
    # An anonymous client is asked to sign in before it learns which methods a protected endpoint offers.
    return outcome == want or (principal == ANONYMOUS and want == "not offered" and outcome == "refused")


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_api_route_and_method_follows_the_roles(client, principals, principal):
    user = principals.get(principal)
    token = token_issue(user=user)[0] if user else None
    wrong = []
    for route in routes():
        if not route.name.startswith("api:"):
            continue
        for method in METHODS:
            headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
            if user and route.name in {"api:token-logout", "api:token-logout-all"}:
                headers = {"HTTP_AUTHORIZATION": f"Token {token_issue(user=user)[0]}"}
            body = {"username": "someone"} if route.name == "api:token-create" else {}
            if method == "GET":
                response = client.get(api_url(route), **headers)
            else:
                response = send(client, method.lower(), api_url(route), body, **headers)
            if route.name == "api:token-logout-all" and user:
                token = token_issue(user=user)[0]  # every token of the user was revoked
            want = expected(route, method, principal)
            outcome = verdict(response.status_code)
            if not reconcile(outcome, want, principal):
                wrong.append(f"{method} {route.name}: {response.status_code}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def admin_objects(principals):
    """A row for every registered model admin (the change, history and delete pages need one)."""
    focus = build(1)
    now = timezone.now()
    audit_record(kind="login", username="someone")
    token_issue(user=principals[NO_ROLE])
    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="x", failures_since_start=1, attempt_time=now
    )
    AccessLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x", attempt_time=now)
    AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x", attempt_time=now)
    ClockedSchedule.objects.create(clocked_time=now + datetime.timedelta(days=1))
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=31.5, longitude=34.47)
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period=IntervalSchedule.MINUTES)
    CrontabSchedule.objects.get_or_create(minute="0", hour="4")
    PeriodicTask.objects.get_or_create(
        name="matrix", defaults={"task": "news.tasks.poll_due_feeds", "interval": interval}
    )
    rows = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        row = focus.get(label) or model._default_manager.order_by("pk").first()
        assert row is not None, f"no {label} row to open"
        rows[(model._meta.app_label, model._meta.model_name)] = row
    return rows


def admin_url(route: Route, objects: dict) -> str:
    app, model, page = registered_admin_pages()[route.name]
    if page in {"changelist", "add"}:
        return reverse(route.name)
    row = objects[(app, model)]
    if page == "delete":
        # A missing row: the delete permission is checked first, and nothing is deleted.
        return reverse(route.name, args=[MISSING])
    if page == "simple_history":
        version = row.history.order_by("history_id").first()
        return reverse(route.name, args=[row.pk, version.history_id])
    return reverse(route.name, args=[row.pk])


def site_url(route: Route) -> str:
    if route.name == "admin:view_on_site":
        return reverse(route.name, args=[1, 1])
    if route.name == "admin:app_list":
        return reverse(route.name, args=["negotiations"])
    return reverse(route.name)


def admin_verdict(response) -> str:
    status = response.status_code
    assert status < 500, status
    if status == 405:
        return "not offered"
    if status == 403:
        return "refused"
    if status == 302 and "/admin/login/" in response.get("Location", ""):
        return "refused"
    return "allowed"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_admin_url_and_method_follows_the_roles(client, principals, admin_objects, principal):
    user = principals.get(principal)
    pages = registered_admin_pages()
    wrong = []
    for route in routes():
        if not route.name.startswith("admin:"):
            continue
        url = admin_url(route, admin_objects) if route.name in pages else site_url(route)
        # The admin's pages answer GET and POST; the rules say which of them each page offers.
        for method in ("GET", "POST"):
            want = expected(route, method, principal)
            if want == "not offered":
                continue
            if user:
                client.force_login(user)
            else:
                client.logout()
            response = getattr(client, method.lower())(url)
            outcome = admin_verdict(response)
            if route.name == "admin:autocomplete" and outcome == "refused" and principal != ANONYMOUS:
                outcome = "allowed"  # refused for want of the field's parameters, not of a role
            if not reconcile(outcome, want, principal):
                wrong.append(f"{method} {route.name} {url}: {response.status_code}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_registered_model_admin():
    covered = {(app, model) for app, model, _ in registered_admin_pages().values()}
    assert covered == {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    assert "admin:tracker_auditevent_changelist" in registered_admin_pages()
