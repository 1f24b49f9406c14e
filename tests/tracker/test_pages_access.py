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
    "actor": (EVERY_ROLE, lambda o: reverse("actor", kwargs={"slug": o["actor"].slug})),
    "meeting": (EVERY_ROLE, lambda o: reverse("meeting", kwargs={"pk": o["meeting"].pk})),
    "proposal": (EVERY_ROLE, lambda o: reverse("proposal", kwargs={"slug": o["proposal"].slug})),
    "sticking-point": (EVERY_ROLE, lambda o: reverse("sticking-point", kwargs={"slug": o["point"].slug})),
    "review:record-form": (
        RECORD_WRITERS,
        lambda o: reverse("review:record-form", kwargs={"pk": o["article"].pk, "kind": "meeting"}),
    ),
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
    assert page_names() - NOT_ROLE_PAGES == set(PAGES)


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
    for name, (roles, build) in PAGES.items():
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
