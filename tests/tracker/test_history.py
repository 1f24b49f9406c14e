"""Every core record keeps an audit history that the admin shows and can revert."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history as theirs

from negotiations.models import Meeting
from news.models import Article
from tests import factories as f
from tests.admin_forms import change_form_data
from tracker.history import bulk_create_with_history as ours

pytestmark = pytest.mark.django_db

# Machine-derived rows, rebuilt by the pipeline from the articles: no one edits them by hand.
DERIVED = {"news.feedpoll", "news.mention", "news.articleband", "news.suggestion"}
# Credentials, not records: a history would keep every revoked calendar key.
CREDENTIALS = {"negotiations.calendarfeed"}
CORE_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"actors", "negotiations", "news"}
    and not model._meta.model_name.startswith("historical")
    and model._meta.label_lower not in DERIVED | CREDENTIALS
]


@pytest.mark.parametrize("model", CORE_MODELS, ids=lambda m: m._meta.label)
def test_every_core_model_has_history(model):
    assert hasattr(model, "history"), f"{model._meta.label} keeps no audit history"


def test_an_admin_edit_is_recorded_with_its_author_and_can_be_reverted(client_for, role_users):
    meeting = f.MeetingFactory(title="White House dinner", summary="First account.")
    f.ParticipantFactory(meeting=meeting)
    client = client_for("analyst")
    url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])

    data = change_form_data(client.get(url))
    data.update(title="White House working dinner", summary="Corrected account.")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    meeting.refresh_from_db()
    assert meeting.title == "White House working dinner"

    latest, original = meeting.history.all()[:2]
    assert latest.history_user == role_users["analyst"]
    assert latest.history_type == "~"
    assert original.title == "White House dinner"

    history_page = client.get(reverse("admin:negotiations_meeting_history", args=[meeting.pk]))
    assert history_page.status_code == 200
    assert b"analyst-user" in history_page.content

    revert_url = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, original.history_id])
    revert_data = change_form_data(client.get(revert_url))
    assert client.post(revert_url, revert_data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.summary) == ("White House dinner", "First account.")
    assert meeting.history.count() == 3
    assert Meeting.objects.count() == 1


def test_a_viewer_sees_history_but_cannot_revert(client_for):
    meeting = f.MeetingFactory()
    client = client_for("viewer")
    assert client.get(reverse("admin:negotiations_meeting_history", args=[meeting.pk])).status_code == 200
    original = meeting.history.get()
    revert_url = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, original.history_id])
    page = client.get(revert_url)
    assert page.status_code == 200
    # A complete, valid form: simple_history alone would save it for a mere viewer.
    data = change_form_data(page)
    data["title"] = "Hijacked"
    assert client.post(revert_url, data).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title != "Hijacked"


def _new_articles(feed, prefix: str) -> list[Article]:
    return [
        Article(
            feed=feed,
            guid=f"{prefix}-{number}",
            url=f"http://127.0.0.1:9/{prefix}/{number}",
            canonical_url=f"http://127.0.0.1:9/{prefix}/{number}",
            title=f"Talks resume, round {number}",
            author="Desk" if number else "",
            published_at=None if number else datetime.datetime(2025, 10, 9, 12, 0, tzinfo=datetime.UTC),
            summary="<p>Mediators met again.</p>",
            entry_hash="e" * 64,
        )
        for number in range(3)
    ]


@pytest.mark.parametrize("as_user", [False, True], ids=["in a task", "in a request"])
def test_bulk_create_with_history_writes_what_simple_historys_own_writes(as_user, role_users):
    """tracker.history.bulk_create_with_history, the same rows as simple_history.utils' function it replaces."""
    feed = f.FeedFactory()
    request = RequestFactory().post("/")
    request.user = role_users["editor"]
    if as_user:
        HistoricalRecords.context.request = request
    try:
        with CaptureQueriesContext(connection) as captured:
            mine = ours(_new_articles(feed, "ours"), Article)
        reference = theirs(_new_articles(feed, "theirs"), Article)
    finally:
        if as_user:
            del HistoricalRecords.context.request
    assert len(captured) == 2  # the articles, then their history rows
    assert all(article.pk for article in mine)

    def rows(articles):
        history = Article.history.filter(id__in=[a.pk for a in articles]).order_by("id")
        values = list(history.values())
        assert len(values) == len(articles)
        for row in values:
            assert row.pop("history_date") is not None
            for name in ("history_id", "id", "guid", "url", "canonical_url", "created_at", "updated_at"):
                row.pop(name)
        return values

    assert rows(mine) == rows(reference)
    assert {row.history_user_id for row in Article.history.filter(id__in=[a.pk for a in mine])} == {
        request.user.pk if as_user else None
    }
