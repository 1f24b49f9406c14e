"""Two people editing one record in the admin: the second save is refused, nothing is overwritten."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from negotiations.models import Meeting
from tests import factories as f
from tests.admin_forms import change_form_data
from tracker.admin_tools import STALE_SAVE

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sessions(role_users):
    first, second = Client(), Client()
    first.force_login(role_users["analyst"])
    second.force_login(role_users["administrator"])
    return first, second


def test_the_second_of_two_saves_from_the_same_version_is_refused(two_sessions):
    meeting = f.MeetingFactory(title="Doha round", summary="First account.")
    f.ParticipantFactory(meeting=meeting)
    meeting.refresh_from_db()  # the participant moved the meeting's version (tracker/api/freshness.py)
    first, second = two_sessions
    url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])
    first_data, second_data = change_form_data(first.get(url)), change_form_data(second.get(url))
    assert first_data["record_version"] == second_data["record_version"] == meeting.updated_at.isoformat()
    assert 'name="record_version"' in first.get(url).content.decode()  # a hidden input the browser sends

    first_data.update(title="Doha round, day 2")
    saved = first.post(url, first_data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    history_rows = meeting.history.count()

    second_data.update(title="Cairo round", summary="Second account.")
    refused = second.post(url, second_data)
    assert refused.status_code == 200
    assert STALE_SAVE in refused.content.decode()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.summary) == ("Doha round, day 2", "First account.")
    assert meeting.history.count() == history_rows
    assert LogEntry.objects.filter(object_id=str(meeting.pk)).count() == 1

    # Reloading shows the new version; saving from it goes through.
    reloaded = change_form_data(second.get(url))
    reloaded.update(title="Cairo round")
    assert second.post(url, reloaded).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).title == "Cairo round"


def test_a_save_without_the_version_is_refused(two_sessions):
    meeting = f.MeetingFactory(title="Doha round")
    first, _ = two_sessions
    url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])
    data = change_form_data(first.get(url))
    del data["record_version"]
    data["title"] = "Blind"
    assert STALE_SAVE in first.post(url, data).content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "Doha round"


def test_a_revert_is_checked_against_the_current_version(two_sessions):
    meeting = f.MeetingFactory(title="Doha round")
    first, second = two_sessions
    original = meeting.history.get()
    revert_url = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, original.history_id])
    revert_data = change_form_data(first.get(revert_url))
    change_url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])
    edit = change_form_data(second.get(change_url))
    edit["title"] = "Cairo round"
    assert second.post(change_url, edit).status_code == 302
    assert STALE_SAVE in first.post(revert_url, revert_data).content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "Cairo round"
    fresh = change_form_data(first.get(revert_url))
    assert first.post(revert_url, fresh).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).title == "Doha round"


def test_a_viewer_sees_the_change_form_without_the_version_field(client_for):
    meeting = f.MeetingFactory()
    page = client_for("viewer").get(reverse("admin:negotiations_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    assert "record_version" not in page.content.decode()
