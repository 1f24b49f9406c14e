"""Writes of the negotiation record for the API: a record and its nested rows in one transaction.

Nested lists replace the record's rows when given (absent: left as they are); rows are matched on
their natural key (a phase's sequence, a participant's actor, a term's key), so an unchanged row
keeps its id and its history. The rows are written in bulk and the record's version moves once
(tracker/api/services.py: replace_rows, touches_deferred).
"""

from django.db import transaction

from negotiations import services as record_services
from negotiations.models import (
    Meeting,
    Participant,
    Phase,
    Proposal,
    ProposalEvent,
    StickingPointStatus,
    Term,
    Track,
    TrackActor,
)
from tracker.api.services import record_save, replace_rows, touches_deferred


@transaction.atomic
@touches_deferred()
def track_save(*, instance: Track | None, actors: list[dict] | None = None, phases: list[dict] | None = None, **fields):
    track = record_save(instance=instance or Track(), fields=fields)
    if actors is not None:
        wanted = {(row["actor"].pk, row["role"]) for row in actors}
        have = {(row.actor_id, row.role): row for row in track.track_actors.all()}
        for pair, row in have.items():
            if pair not in wanted:
                row.delete()
        for actor_id, role in sorted(wanted - have.keys()):
            TrackActor.objects.create(track=track, actor_id=actor_id, role=role)
    if phases is not None:
        replace_rows(
            track.phases,
            phases,
            field="phases",
            model=Phase,
            parent={"track": track},
            row_key="sequence",
            item_key=lambda item: item["sequence"],
        )
    return track


@transaction.atomic
@touches_deferred()
def meeting_save(
    *,
    instance: Meeting | None,
    tracks: list | None = None,
    proposals: list | None = None,
    sticking_points: list | None = None,
    participants: list[dict] | None = None,
    **fields,
) -> Meeting:
    meeting = record_save(instance=instance or Meeting(), fields=fields)
    for name, records in (("tracks", tracks), ("proposals", proposals), ("sticking_points", sticking_points)):
        if records is not None:
            getattr(meeting, name).set(records)
    if participants is not None:
        replace_rows(
            meeting.participant_rows,
            participants,
            field="participants",
            model=Participant,
            parent={"meeting": meeting},
            row_key="actor_id",
            item_key=lambda item: item["actor"].pk,
        )
    return meeting


@transaction.atomic
@touches_deferred()
def proposal_save(
    *, instance: Proposal | None, channel: list | None = None, terms: list[dict] | None = None, **fields
) -> Proposal:
    proposal = record_save(instance=instance or Proposal(), fields=fields)
    if channel is not None:
        proposal.channel.set(channel)
    if terms is not None:
        replace_rows(
            proposal.terms,
            terms,
            field="terms",
            model=Term,
            parent={"proposal": proposal},
            row_key="key",
            item_key=lambda item: item["key"],
        )
    return proposal


def proposal_event_save(*, instance: ProposalEvent | None, **fields) -> ProposalEvent:
    if instance is None:
        return record_services.proposal_record_event(
            proposal=fields["proposal"],
            kind=fields["kind"],
            on=fields.get("occurred_on"),
            actor=fields.get("actor"),
            note=fields.get("note", ""),
        )
    return record_save(instance=instance, fields=fields)


def status_change_save(*, instance: StickingPointStatus | None, **fields) -> StickingPointStatus:
    if instance is None:
        return record_services.sticking_point_set_status(
            sticking_point=fields["sticking_point"],
            status=fields["status"],
            on=fields.get("changed_on"),
            note=fields.get("note", ""),
        )
    return record_save(instance=instance, fields=fields)
