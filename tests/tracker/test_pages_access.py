"""Every page of the tracker's own (not the API, not the admin), requested by every kind of user: an
anonymous visitor is sent to the login page, a signed-in user without the role's permissions gets 403, and
each role gets what tracker/roles.py gives it. The pages are found by walking the URL configuration, so a
page added without a rule here fails `test_every_page_has_a_rule`."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f
from tracker.roles import ROLES

pytestmark = pytest.mark.django_db

ANONYMOUS, NO_ROLE = "anonymous", "no-role"
EVERY_ROLE = set(ROLES)
RECORD_WRITERS = {"analyst", "administrator"}
REVIEWERS = {"editor", "administrator"}

# URL name -> (the roles that may open it, how to build its URL from the objects below).
PAGES = {
    "dashboard": (EVERY_ROLE, lambda o: reverse("dashboard")),
    "track": (EVERY_ROLE, lambda o: reverse("track", kwargs={"slug": o["track"].slug})),
    "track-meetings": (EVERY_ROLE, lambda o: reverse("track-meetings", kwargs={"slug": o["track"].slug})),
    "actor": (EVERY_ROLE, lambda o: reverse("actor", kwargs={"slug": o["actor"].slug})),
    "meeting": (EVERY_ROLE, lambda o: reverse("meeting", kwargs={"pk": o["meeting"].pk})),
    "proposal": (EVERY_ROLE, lambda o: reverse("proposal", kwargs={"slug": o["proposal"].slug})),
    "sticking-point": (EVERY_ROLE, lambda o: reverse("sticking-point", kwargs={"slug": o["point"].slug})),
    "review:queue": (EVERY_ROLE, lambda o: reverse("review:queue")),
    "review:article": (EVERY_ROLE, lambda o: reverse("review:article", kwargs={"pk": o["article"].pk})),
    "review:record-form": (
        RECORD_WRITERS,
        lambda o: reverse("review:record-form", kwargs={"pk": o["article"].pk, "kind": "meeting"}),
    ),
}
# The review workspace's actions (POST only): editors and administrators.
ACTIONS = {
    "review:accept": lambda o: reverse("review:accept", kwargs={"pk": o["article"].pk}),
    "review:reject": lambda o: reverse("review:reject", kwargs={"pk": o["article"].pk}),
    "review:duplicate": lambda o: reverse("review:duplicate", kwargs={"pk": o["article"].pk}),
    "review:undo": lambda o: reverse("review:undo"),
    "review:bulk": lambda o: reverse("review:bulk"),
}
# Pages outside the rules above: public ones, and the user's own.
NOT_ROLE_PAGES = {"login", "logout", "healthz", "calendar-page"}


def page_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in ("admin", "api"):
                continue
            names |= page_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_has_a_rule():
    assert page_names() - NOT_ROLE_PAGES == set(PAGES) | set(ACTIONS)


@pytest.fixture
def objects():
    track = f.TrackFactory()
    meeting = f.MeetingFactory()
    meeting.tracks.add(track)
    return {
        "track": track,
        "actor": f.ActorFactory(),
        "meeting": meeting,
        "proposal": f.ProposalFactory(track=track),
        "point": f.StickingPointFactory(track=track),
        "article": f.ArticleFactory(),
    }


@pytest.mark.parametrize("principal", [ANONYMOUS, NO_ROLE, *ROLES])
def test_every_page_follows_the_roles(client, role_users, objects, principal):
    if principal == NO_ROLE:
        client.force_login(get_user_model().objects.create_user("nobody", password="a long passphrase 1"))
    elif principal != ANONYMOUS:
        client.force_login(role_users[principal])
    wrong = []
    for roles, build in PAGES.values():
        url = build(objects)
        answer = client.get(url)
        if principal == ANONYMOUS:
            ok = answer.status_code == 302 and answer.url.startswith(reverse("login"))
        elif principal in roles:
            ok = answer.status_code == 200
        else:
            ok = answer.status_code == 403
        if not ok:
            wrong.append(f"{principal} GET {url}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("principal", [ANONYMOUS, NO_ROLE, *ROLES])
def test_every_review_action_follows_the_roles(client, role_users, objects, principal):
    """Empty POSTs: a reviewer gets past the permission check (to a validation answer), anyone else does not;
    a GET is never served."""
    if principal == NO_ROLE:
        client.force_login(get_user_model().objects.create_user("nobody", password="a long passphrase 1"))
    elif principal != ANONYMOUS:
        client.force_login(role_users[principal])
    wrong = []
    for build in ACTIONS.values():
        url = build(objects)
        answer = client.post(url)
        if principal == ANONYMOUS:
            ok = answer.status_code == 302 and answer.url.startswith(reverse("login"))
        elif principal in REVIEWERS:
            ok = answer.status_code not in (401, 403, 405) and answer.status_code < 500
        else:
            ok = answer.status_code == 403
        if principal != ANONYMOUS and client.get(url).status_code != 405:
            wrong.append(f"{principal} GET {url} was not refused with 405")
        if not ok:
            wrong.append(f"{principal} POST {url}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
