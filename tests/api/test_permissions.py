"""Each role reads and writes over the API exactly what tracker/roles.py gives it, for lists and objects."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework import status

from negotiations.models import Meeting
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db

RESOURCES = [
    "actor",
    "track",
    "meeting",
    "proposal",
    "proposal-event",
    "response",
    "sticking-point",
    "sticking-point-status",
    "position",
    "figure",
    "citation",
    "feed",
    "article",
]


@pytest.fixture
def records():
    meeting = f.MeetingFactory()
    article = f.ArticleFactory()
    return {
        "actor": f.ActorFactory(),
        "meeting": meeting,
        "feed": article.feed,
        "article": article,
        "suggestion": f.SuggestionFactory(article=article, record=meeting),
        "citation": f.CitationFactory(record=meeting),
    }


def new_meeting() -> dict:
    return {"title": "Doha talks", "format": "indirect", "starts_at": "2025-07-06T18:00:00+03:00"}


def new_actor() -> dict:
    return {"name": "Steve Witkoff", "slug": "steve-witkoff", "kind": "person"}


def new_citation(meeting: Meeting) -> dict:
    return {"record_type": "negotiations.meeting", "record_id": meeting.pk, "url": "https://example.org/a"}


@pytest.mark.parametrize("role", ["viewer", "analyst", "editor", "administrator"])
def test_every_role_reads_every_list_and_object(client_for, records, role):
    client = client_for(role)
    for name in RESOURCES:
        assert client.get(reverse(f"api:{name}-list")).status_code == status.HTTP_200_OK, name
    assert client.get(reverse("api:meeting-detail", args=[records["meeting"].pk])).status_code == 200
    assert client.get(reverse("api:article-detail", args=[records["article"].pk])).status_code == 200


def test_a_viewer_writes_nothing(client_for, records):
    client = client_for("viewer")
    meeting = records["meeting"]
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_403_FORBIDDEN
    assert send(client, "post", reverse("api:actor-list"), new_actor()).status_code == status.HTTP_403_FORBIDDEN
    detail = reverse("api:meeting-detail", args=[meeting.pk])
    assert send(client, "patch", detail, {"title": "Renamed"}).status_code == status.HTTP_403_FORBIDDEN
    assert client.delete(detail).status_code == status.HTTP_403_FORBIDDEN
    assert send(client, "post", reverse("api:feed-list"), {"url": "http://127.0.0.1:9/x"}).status_code == 403
    reject = reverse("api:article-reject", args=[records["article"].pk])
    assert send(client, "post", reject, {"reason": "Noise"}).status_code == status.HTTP_403_FORBIDDEN
    meeting.refresh_from_db()
    assert meeting.title != "Renamed"


def test_an_analyst_writes_records_but_not_feeds_or_reviews(client_for, records):
    client = client_for("analyst")
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_201_CREATED
    assert send(client, "post", reverse("api:actor-list"), new_actor()).status_code == status.HTTP_201_CREATED
    detail = reverse("api:meeting-detail", args=[records["meeting"].pk])
    assert send(client, "patch", detail, {"title": "Renamed"}).status_code == status.HTTP_200_OK
    assert send(client, "post", reverse("api:feed-list"), {"url": "http://127.0.0.1:9/x"}).status_code == 403
    feed = reverse("api:feed-detail", args=[records["feed"].pk])
    assert send(client, "patch", feed, {"active": False}).status_code == status.HTTP_403_FORBIDDEN
    article = records["article"]
    for action, payload in [
        ("accept", {"suggestions": [records["suggestion"].pk]}),
        ("reject", {"reason": "Noise"}),
        ("mark-duplicate", {"original": f.ArticleFactory().pk}),
    ]:
        url = reverse(f"api:article-{action}", args=[article.pk])
        assert send(client, "post", url, payload).status_code == status.HTTP_403_FORBIDDEN, action
    assert client.delete(reverse("api:article-detail", args=[article.pk])).status_code == 403
    article.refresh_from_db()
    assert article.review_state == "pending"


def test_an_editor_manages_feeds_reviews_and_citations_but_not_records(client_for, records):
    client = client_for("editor")
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_403_FORBIDDEN
    assert send(client, "post", reverse("api:actor-list"), new_actor()).status_code == status.HTTP_403_FORBIDDEN
    detail = reverse("api:meeting-detail", args=[records["meeting"].pk])
    assert send(client, "patch", detail, {"title": "Renamed"}).status_code == status.HTTP_403_FORBIDDEN
    feed = reverse("api:feed-detail", args=[records["feed"].pk])
    assert send(client, "patch", feed, {"active": False}).status_code == status.HTTP_200_OK
    citations = reverse("api:citation-list")
    created = send(client, "post", citations, new_citation(records["meeting"]))
    assert created.status_code == status.HTTP_201_CREATED
    # Editors add and change citations; deleting one is an analyst's call.
    citation = reverse("api:citation-detail", args=[created.json()["id"]])
    assert send(client, "patch", citation, {"quote": "talks resumed"}).status_code == status.HTTP_200_OK
    assert client.delete(citation).status_code == status.HTTP_403_FORBIDDEN
    reject = reverse("api:article-reject", args=[records["article"].pk])
    assert send(client, "post", reject, {"reason": "Noise"}).status_code == status.HTTP_200_OK


def test_an_administrator_does_everything(client_for, records):
    client = client_for("administrator")
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_201_CREATED
    feed = reverse("api:feed-detail", args=[records["feed"].pk])
    assert send(client, "patch", feed, {"active": False}).status_code == status.HTTP_200_OK
    assert client.delete(reverse("api:citation-detail", args=[records["citation"].pk])).status_code == 204


def test_a_user_without_a_role_reads_nothing(client, records):
    nobody = get_user_model().objects.create_user("nobody", is_staff=True)
    client.force_login(nobody)
    for name in RESOURCES:
        assert client.get(reverse(f"api:{name}-list")).status_code == status.HTTP_403_FORBIDDEN, name
    assert client.get(reverse("api:meeting-detail", args=[records["meeting"].pk])).status_code == 403
    assert client.get(reverse("api:article-detail", args=[records["article"].pk])).status_code == 403


def test_an_anonymous_request_is_asked_for_a_token(client, records):
    response = client.get(reverse("api:meeting-list"))
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_writing_a_record_needs_the_permissions_on_the_rows_it_nests(client, records):
    """A user who may add meetings but not participants cannot write a meeting (its participants)."""
    user = get_user_model().objects.create_user("meetings-only", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="negotiations", codename__in=["view_meeting", "add_meeting", "change_meeting"]
        )
    )
    client.force_login(user)
    assert client.get(reverse("api:meeting-list")).status_code == status.HTTP_200_OK
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_403_FORBIDDEN
    user.user_permissions.add(
        *Permission.objects.filter(content_type__model="participant", content_type__app_label="negotiations")
    )
    user = get_user_model().objects.get(pk=user.pk)  # a fresh permission cache
    client.force_login(user)
    assert send(client, "post", reverse("api:meeting-list"), new_meeting()).status_code == status.HTTP_201_CREATED


def test_read_only_fields_cannot_be_written_by_anyone(client_for, records):
    """Derived and system fields are refused, even for an administrator: the status comes from events."""
    client = client_for("administrator")
    proposal = f.ProposalFactory()
    url = reverse("api:proposal-detail", args=[proposal.pk])
    response = send(client, "patch", url, {"status": "signed", "violations": 0})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert set(response.json()) == {"status", "violations"}
    assert response.json()["status"][0].startswith("Unknown field. Accepted: channel, previous_version,")
    feed = reverse("api:feed-detail", args=[records["feed"].pk])
    refused = send(client, "patch", feed, {"consecutive_errors": 0, "url": "http://127.0.0.1:9/other"})
    assert refused.status_code == status.HTTP_400_BAD_REQUEST
    assert set(refused.json()) == {"consecutive_errors", "url"}


@pytest.fixture(autouse=True)
def writes_without_a_version(settings):
    """These tests are about what a write does, not about versions: tests/api/test_conditional.py covers If-Match,
    412 and the 428 a write without a version gets by default."""
    settings.API_REQUIRE_WRITE_PRECONDITION = False


def test_the_role_check_names_the_model_each_view_reads(rf):
    """RolePermissions takes the model without building the view's queryset; it must be the same model."""
    from django.urls import get_resolver

    from tracker.api.permissions import RolePermissions

    checked = 0
    for pattern in get_resolver("tracker.api.urls").url_patterns[0].url_patterns:
        for route in getattr(pattern, "url_patterns", [pattern]):
            view_class = getattr(route.callback, "cls", None)
            if view_class is None or RolePermissions not in view_class.permission_classes:
                continue
            actions = getattr(route.callback, "actions", None) or {"get": "list"}
            view = view_class(request=rf.get("/"), format_kwarg=None, kwargs={}, **({"action": "list"}))
            view.action_map = actions
            if hasattr(view, "get_queryset") and getattr(view, "model", None) is None:
                assert RolePermissions.model_of(view) == view.get_queryset().model, view_class
                checked += 1
    assert checked >= 15
