import datetime

import pytest
from django.urls import reverse

from negotiations.admin import time_zone_note
from negotiations.models import Meeting
from tests import factories as f
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_an_analyst_enters_a_meeting_in_local_time_and_sees_it_back_in_local_time(client_for):
    client = client_for("analyst")
    qatar = f.StateFactory(name="Qatar")
    israel, hamas = f.StateFactory(name="Israel"), f.ActorFactory(name="Hamas", kind="armed_group")
    data = {
        "title": "Doha proximity talks, round one",
        "status": "held",
        "format": "indirect",
        "starts_at_0": "2025-07-06",
        "starts_at_1": "18:30",
        "ends_at_0": "2025-07-06",
        "ends_at_1": "22:00",
        "time_zone": "Asia/Qatar",
        "time_known": "on",
        "location": "Doha",
        "country": qatar.pk,
        "closed_door": "on",
        "participant_rows-TOTAL_FORMS": "2",
        "participant_rows-INITIAL_FORMS": "0",
        "participant_rows-0-actor": israel.pk,
        "participant_rows-0-role": "delegation_head",
        "participant_rows-1-actor": hamas.pk,
        "participant_rows-1-role": "delegation_head",
        "negotiations-citation-content_type-object_id-TOTAL_FORMS": "1",
        "negotiations-citation-content_type-object_id-INITIAL_FORMS": "0",
        "negotiations-citation-content_type-object_id-0-publisher": "ANI",
        "negotiations-citation-content_type-object_id-0-url": "seeds.invalid/004",
    }
    response = client.post(reverse("admin:negotiations_meeting_add"), data)
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get()
    # Doha is UTC+3: 18:30 local is 15:30 UTC.
    assert meeting.starts_at == datetime.datetime(2025, 7, 6, 15, 30, tzinfo=datetime.UTC)
    assert meeting.duration == datetime.timedelta(hours=3, minutes=30)
    assert sorted(meeting.participants.values_list("name", flat=True)) == ["Hamas", "Israel"]
    assert meeting.citations.get().url == "https://seeds.invalid/004"

    page = client.get(reverse("admin:negotiations_meeting_change", args=[meeting.pk]))
    assert 'value="18:30:00"' in page.content.decode()
    listed = client.get(reverse("admin:negotiations_meeting_changelist")).content.decode()
    assert "2025-07-06 18:30 +03" in listed


def test_an_invalid_time_zone_is_reported_not_crashed(client_for):
    client = client_for("analyst")
    meeting = f.MeetingFactory(time_zone="UTC")
    url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(url))
    data["time_zone"] = "Mars/Olympus_Mons"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is not an IANA time zone" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.time_zone == "UTC"


def test_the_time_note_states_the_offset_on_the_meetings_date_and_an_unknown_time():
    july = f.MeetingFactory(
        time_zone="America/New_York", starts_at=datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC)
    )
    assert time_zone_note(july) == "In the meeting's time zone: America/New_York, UTC−04:00 on 7 July 2025."
    december = f.MeetingFactory(
        time_zone="America/New_York",
        starts_at=datetime.datetime(2025, 12, 29, 17, tzinfo=datetime.UTC),
        time_known=False,
    )
    note = time_zone_note(december)
    assert note.startswith("In the meeting's time zone: America/New_York, UTC−05:00 on 29 December 2025.")
    assert "Only the day is known" in note
    assert time_zone_note(None) == "In the meeting's time zone (below)."
