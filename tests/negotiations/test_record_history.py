"""The record pages' change history (negotiations/record_history.py) against simple-history's own diff."""

import pytest

from negotiations.models import Meeting, Track
from negotiations.record_history import history_of, history_source
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_many_to_many_changes_read_from_prefetched_rows_match_simple_historys_diff():
    meeting = f.MeetingFactory()
    doha, cairo, paris = (f.TrackFactory(name=name) for name in ("Doha", "Cairo", "Paris"))
    meeting.tracks.add(doha)
    meeting.tracks.add(cairo, paris)
    meeting.tracks.remove(doha)
    meeting.title = "Renamed"
    meeting.save()
    meeting.tracks.clear()

    source = history_source(Meeting, lambda row: "Meeting", named=(Track,), m2m=("tracks",), id=meeting.pk)
    ours = [
        [(change.label, change.before, change.after) for change in entry.changes]
        for entry in history_of([source])
        if entry.action == "Changed"
    ]

    names = dict(Track.objects.values_list("pk", "name"))
    versions = list(meeting.history.order_by("history_date", "history_id"))
    theirs = []
    for old, new in zip(versions, versions[1:], strict=False):
        delta = new.diff_against(old)  # simple-history's own diff, one query per many-to-many field
        changes = []
        for change in delta.changes:
            if change.field == "tracks":
                before, after = ([names[row["track"]] for row in rows] for rows in (change.old, change.new))
                changes.append(("Tracks", ", ".join(sorted(before)) or "—", ", ".join(sorted(after)) or "—"))
            else:
                changes.append((change.field.capitalize(), change.old, change.new))
        theirs.append(sorted(changes))
    assert [sorted(changes) for changes in reversed(ours)] == theirs
    assert [c[0] for changes in reversed(ours) for c in changes] == ["Tracks", "Tracks", "Tracks", "Title", "Tracks"]
