import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiations.models import Meeting, StickingPoint
from tests import factories as f

pytestmark = pytest.mark.django_db


def run_action(client, model: str, action: str, objects):
    url = reverse(f"admin:negotiations_{model}_changelist")
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects]})


def test_marking_sticking_points_deadlocked_appends_to_their_history(client_for):
    points = f.StickingPointFactory.create_batch(2)
    for point in points:
        f.StatusChangeFactory(sticking_point=point, status="open", changed_on=datetime.date(2025, 7, 6))
    response = run_action(client_for("analyst"), "stickingpoint", "mark_deadlocked", points)
    assert response.status_code == 302
    for point in points:
        statuses = list(point.status_changes.order_by("changed_on", "id").values_list("status", "changed_on"))
        assert statuses == [("open", datetime.date(2025, 7, 6)), ("deadlocked", timezone.localdate())]


def test_a_viewer_is_not_offered_write_actions(client_for):
    point = f.StickingPointFactory()
    response = run_action(client_for("viewer"), "stickingpoint", "mark_resolved", [point])
    assert not point.status_changes.exists()
    assert response.status_code in {200, 302, 403}
    assert StickingPoint.objects.count() == 1


def test_meetings_can_be_marked_held_or_postponed(client_for):
    meetings = f.MeetingFactory.create_batch(2, status=Meeting.Status.SCHEDULED)
    assert run_action(client_for("analyst"), "meeting", "mark_postponed", meetings).status_code == 302
    assert set(Meeting.objects.values_list("status", flat=True)) == {"postponed"}


def test_export_streams_the_selected_rows_as_csv(client_for):
    figures = [f.FigureFactory(label="Hostages remaining", value=49), f.FigureFactory(label="Taken", value=251)]
    f.FigureFactory(label="Not selected")
    response = run_action(client_for("viewer"), "figure", "export_csv", figures)
    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((row["label"], row["value"]) for row in rows) == [
        ("Hostages remaining", "49.00"),
        ("Taken", "251.00"),
    ]
