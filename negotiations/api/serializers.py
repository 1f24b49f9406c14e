"""Output shapes of the negotiation record (nested enough to draw a card, a table or a board from one
request) and the input serializers of its writes."""

import datetime
import zoneinfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.api.serializers import ActorBriefSerializer
from actors.models import Actor, Affiliation
from negotiations.models import (
    Citation,
    Delivery,
    Figure,
    Meeting,
    Participant,
    Phase,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
    TrackActor,
)
from news.models import Article
from tracker.api.serializers import (
    IdOrSlugRelatedField,
    IdRelatedField,
    RecordsListSerializer,
    StrictFieldsMixin,
    unique_items,
)

MAX_NESTED = 500

# Output ---------------------------------------------------------------------


class TrackBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ("id", "slug", "name")


class ProposalRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = ("id", "slug", "title", "version_label")


class ProposalBriefSerializer(ProposalRefSerializer):
    """A proposal on a meeting's table, with its current status."""

    status = serializers.ChoiceField(choices=Proposal.Status.choices, read_only=True)

    class Meta(ProposalRefSerializer.Meta):
        fields = (*ProposalRefSerializer.Meta.fields, "status")


STICKING_POINT_STATUS_HELP = "The latest status change's; open before the first one."


class StickingPointRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = StickingPoint
        fields = ("id", "slug", "title")


class StickingPointBriefSerializer(StickingPointRefSerializer):
    status = serializers.ChoiceField(
        choices=StickingPoint.Status.choices, read_only=True, help_text=STICKING_POINT_STATUS_HELP
    )

    class Meta(StickingPointRefSerializer.Meta):
        fields = (*StickingPointRefSerializer.Meta.fields, "category", "status")


class CitationBriefSerializer(serializers.ModelSerializer):
    """A source of the record it is nested in: an ingested article (its id) or an external URL."""

    article = serializers.IntegerField(source="article_id", allow_null=True, read_only=True)

    class Meta:
        model = Citation
        fields = ("id", "article", "url", "publisher", "title", "published_on", "quote", "note")


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ("id", "sequence", "name", "status", "starts_on", "ends_on", "deadline", "opening_conditions")


class TrackActorSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()

    class Meta:
        model = TrackActor
        fields = ("actor", "role")


class TrackSerializer(serializers.ModelSerializer):
    actors = TrackActorSerializer(many=True, source="track_actors")
    phases = PhaseSerializer(many=True)
    citations = CitationBriefSerializer(many=True)

    class Meta:
        model = Track
        fields = (
            "id",
            "slug",
            "name",
            "status",
            "started_on",
            "ended_on",
            "description",
            "actors",
            "phases",
            "citations",
            "created_at",
            "updated_at",
        )


class ParticipantSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()
    representing = ActorBriefSerializer(allow_null=True)

    class Meta:
        model = Participant
        fields = ("actor", "role", "representing")


def _local(moment: datetime.datetime | None, zone: str) -> datetime.datetime | None:
    return None if moment is None else timezone.localtime(moment, zoneinfo.ZoneInfo(zone))


def day_stand_in(day: datetime.date, zone: str) -> datetime.datetime:
    """The instant stored for a meeting whose time of day is unknown: local noon, so that its UTC date is
    its local date. Only an ordering key: the API shows the day and `time_known: false`, never this time."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(zone))


NULL_DATETIME = {"type": "string", "format": "date-time", "nullable": True}
TIME_UNKNOWN = " Null when only the day is known (`time_known` false)."


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting. Its days (`starts_on`, `ends_on`, in its own time zone) are always given; its times only
    when they were reported (`time_known`): an unknown time of day stays unknown, never a made-up hour."""

    country = ActorBriefSerializer(allow_null=True)
    tracks = TrackBriefSerializer(many=True)
    participants = ParticipantSerializer(many=True, source="participant_rows")
    proposals = ProposalBriefSerializer(many=True)
    sticking_points = StickingPointBriefSerializer(many=True)
    citations = CitationBriefSerializer(many=True)
    starts_at = serializers.SerializerMethodField(help_text="The start (UTC)." + TIME_UNKNOWN)
    ends_at = serializers.SerializerMethodField(help_text="The end (UTC), if reported." + TIME_UNKNOWN)
    starts_on = serializers.SerializerMethodField(help_text="The day it starts, in its own time zone.")
    ends_on = serializers.SerializerMethodField(help_text="The day it ends, in its own time zone, if reported.")
    starts_at_local = serializers.SerializerMethodField(help_text="The start in its own time zone." + TIME_UNKNOWN)
    ends_at_local = serializers.SerializerMethodField(help_text="The end in its own time zone." + TIME_UNKNOWN)
    duration_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = (
            "id",
            "title",
            "status",
            "format",
            "starts_on",
            "ends_on",
            "time_known",
            "starts_at",
            "ends_at",
            "time_zone",
            "starts_at_local",
            "ends_at_local",
            "duration_minutes",
            "location",
            "country",
            "closed_door",
            "unannounced",
            "summary",
            "outcome",
            "tracks",
            "participants",
            "proposals",
            "sticking_points",
            "citations",
            "created_at",
            "updated_at",
        )

    def _instant(self, meeting: Meeting, moment: datetime.datetime | None) -> str | None:
        if not meeting.time_known or moment is None:
            return None
        return serializers.DateTimeField().to_representation(moment)

    @extend_schema_field(NULL_DATETIME)
    def get_starts_at(self, meeting: Meeting) -> str | None:
        return self._instant(meeting, meeting.starts_at)

    @extend_schema_field(NULL_DATETIME)
    def get_ends_at(self, meeting: Meeting) -> str | None:
        return self._instant(meeting, meeting.ends_at)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_starts_on(self, meeting: Meeting) -> str:
        return _local(meeting.starts_at, meeting.time_zone).date().isoformat()

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_ends_on(self, meeting: Meeting) -> str | None:
        ends = _local(meeting.ends_at, meeting.time_zone)
        return ends.date().isoformat() if ends is not None else None

    @extend_schema_field(NULL_DATETIME)
    def get_starts_at_local(self, meeting: Meeting) -> str | None:
        local = _local(meeting.starts_at, meeting.time_zone)
        return local.isoformat() if meeting.time_known else None

    @extend_schema_field(NULL_DATETIME)
    def get_ends_at_local(self, meeting: Meeting) -> str | None:
        local = _local(meeting.ends_at, meeting.time_zone)
        return local.isoformat() if meeting.time_known and local is not None else None

    def get_duration_minutes(self, meeting: Meeting) -> int | None:
        if not meeting.time_known or meeting.duration is None:
            return None
        return int(meeting.duration.total_seconds() // 60)


class ProposalEventBriefSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(allow_null=True)

    class Meta:
        model = ProposalEvent
        fields = ("id", "kind", "occurred_on", "actor", "note")


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ("id", "delivered_on", "quantity", "assessment", "note")


class TermSerializer(serializers.ModelSerializer):
    deliveries = DeliverySerializer(many=True)

    class Meta:
        model = Term
        fields = ("id", "key", "kind", "position", "text", "quantity", "unit", "quantity_is_open", "deliveries")


class ResponseBriefSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()
    counter_proposal = ProposalRefSerializer(allow_null=True)

    class Meta:
        model = Response
        fields = ("id", "actor", "kind", "responded_on", "summary", "counter_proposal")


class ProposalSerializer(serializers.ModelSerializer):
    track = TrackBriefSerializer()
    proposer = ActorBriefSerializer()
    channel = ActorBriefSerializer(many=True)
    previous_version = ProposalRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=Proposal.Status.choices, read_only=True)
    status_since = serializers.DateField(read_only=True, allow_null=True, help_text="Date of the latest event.")
    violations = serializers.IntegerField(read_only=True, help_text="Violations reported (they leave the status).")
    events = ProposalEventBriefSerializer(many=True, help_text="The status history: every dated event.")
    terms = TermSerializer(many=True)
    responses = ResponseBriefSerializer(many=True)
    citations = CitationBriefSerializer(many=True)

    class Meta:
        model = Proposal
        fields = (
            "id",
            "slug",
            "title",
            "version_label",
            "track",
            "proposer",
            "channel",
            "previous_version",
            "relation",
            "summary",
            "status",
            "status_since",
            "violations",
            "events",
            "terms",
            "responses",
            "citations",
            "created_at",
            "updated_at",
        )


class ProposalEventSerializer(ProposalEventBriefSerializer):
    proposal = ProposalRefSerializer()

    class Meta(ProposalEventBriefSerializer.Meta):
        fields = ("id", "proposal", "kind", "occurred_on", "actor", "note", "created_at", "updated_at")


class ResponseSerializer(ResponseBriefSerializer):
    proposal = ProposalRefSerializer()
    citations = CitationBriefSerializer(many=True)

    class Meta(ResponseBriefSerializer.Meta):
        fields = (
            "id",
            "proposal",
            "actor",
            "kind",
            "responded_on",
            "summary",
            "counter_proposal",
            "citations",
            "created_at",
            "updated_at",
        )


class StatusChangeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = StickingPointStatus
        fields = ("id", "status", "changed_on", "note")


class PositionBriefSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()

    class Meta:
        model = Position
        fields = ("id", "actor", "stated_on", "stance", "summary", "channel", "confidence")


class StickingPointSerializer(serializers.ModelSerializer):
    track = TrackBriefSerializer()
    status = serializers.ChoiceField(
        choices=StickingPoint.Status.choices, read_only=True, help_text=STICKING_POINT_STATUS_HELP
    )
    status_since = serializers.DateField(read_only=True, allow_null=True)
    party_count = serializers.IntegerField(read_only=True, help_text="Actors with a stated position.")
    status_history = StatusChangeBriefSerializer(many=True, source="status_changes")
    positions = PositionBriefSerializer(many=True, help_text="Every dated position, oldest first.")
    citations = CitationBriefSerializer(many=True)

    class Meta:
        model = StickingPoint
        fields = (
            "id",
            "slug",
            "title",
            "category",
            "track",
            "description",
            "status",
            "status_since",
            "party_count",
            "status_history",
            "positions",
            "citations",
            "created_at",
            "updated_at",
        )


class StatusChangeSerializer(StatusChangeBriefSerializer):
    sticking_point = StickingPointRefSerializer()

    class Meta(StatusChangeBriefSerializer.Meta):
        fields = ("id", "sticking_point", "status", "changed_on", "note", "created_at", "updated_at")


class PositionSerializer(PositionBriefSerializer):
    sticking_point = StickingPointRefSerializer()
    citations = CitationBriefSerializer(many=True)

    class Meta(PositionBriefSerializer.Meta):
        fields = (
            "id",
            "sticking_point",
            "actor",
            "stated_on",
            "stance",
            "summary",
            "channel",
            "confidence",
            "citations",
            "created_at",
            "updated_at",
        )


class FigureSerializer(serializers.ModelSerializer):
    claimed_by = ActorBriefSerializer(allow_null=True)
    track = TrackBriefSerializer(allow_null=True)
    citations = CitationBriefSerializer(many=True)

    class Meta:
        model = Figure
        fields = (
            "id",
            "metric",
            "label",
            "value",
            "value_low",
            "value_high",
            "unit",
            "as_of",
            "claimed_by",
            "claimant_name",
            "track",
            "note",
            "citations",
            "created_at",
            "updated_at",
        )


# The kinds of record a citation may support, as `record_type` names them: every kind the record cites
# (the demo cites affiliations, phases, proposal events and status changes too), so that every citation
# the API lists has a documented `record_type`.
CITABLE = {
    f"{model._meta.app_label}.{model._meta.model_name}": model
    for model in (
        Actor,
        Affiliation,
        Track,
        Phase,
        Meeting,
        Proposal,
        ProposalEvent,
        Term,
        Delivery,
        Response,
        StickingPoint,
        StickingPointStatus,
        Position,
        Figure,
    )
}


class CitationSerializer(CitationBriefSerializer):
    record_type = serializers.SerializerMethodField(help_text="The cited record's kind, e.g. negotiations.meeting.")
    record_id = serializers.IntegerField(source="object_id", read_only=True)

    class Meta(CitationBriefSerializer.Meta):
        fields = (
            "id",
            "record_type",
            "record_id",
            *CitationBriefSerializer.Meta.fields[1:],
            "created_at",
            "updated_at",
        )

    @extend_schema_field({"type": "string", "enum": sorted(CITABLE)})
    def get_record_type(self, citation: Citation) -> str:
        return f"{citation.content_type.app_label}.{citation.content_type.model}"


# Input ----------------------------------------------------------------------


def _actors():
    return Actor.objects.all()


def _representable(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a meeting time can be stored (in UTC) and shown in its own time zone, with room to spare (an
    all-day calendar event ends the next day): 0001-01-01T00:00 in Tokyo would be year 0 in UTC."""
    try:
        shown = (moment.astimezone(datetime.UTC), moment.astimezone(zone))
    except OverflowError:
        return False
    return all(datetime.MINYEAR < instant.year < datetime.MAXYEAR for instant in shown)


class LocalDateTimeField(serializers.DateTimeField):
    """Keeps a time without an offset naive, for the serializer to read in the record's own time zone."""

    def enforce_timezone(self, value):
        return value if timezone.is_naive(value) else super().enforce_timezone(value)


class TrackActorInputSerializer(StrictFieldsMixin, serializers.Serializer):
    actor = IdOrSlugRelatedField(queryset=_actors())
    role = serializers.ChoiceField(choices=TrackActor.Role.choices)


class PhaseInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ("sequence", "name", "status", "starts_on", "ends_on", "deadline", "opening_conditions")

    def validate(self, attrs):
        if attrs.get("starts_on") and attrs.get("ends_on") and attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": ["The phase ends before it starts."]})
        return attrs


class TrackInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A track; `actors` and `phases`, when given, replace the track's (phases are matched by sequence)."""

    actors = TrackActorInputSerializer(many=True, required=False, max_length=MAX_NESTED)
    phases = PhaseInputSerializer(many=True, required=False, max_length=MAX_NESTED)

    class Meta:
        model = Track
        fields = ("name", "slug", "status", "started_on", "ended_on", "description", "actors", "phases")

    def validate_actors(self, rows: list[dict]) -> list[dict]:
        unique_items(rows, lambda row: (row["actor"].pk, row["role"]), "This actor already has this role.")
        return rows

    def validate_phases(self, rows: list[dict]) -> list[dict]:
        unique_items(rows, lambda row: row["sequence"], "Another phase has this sequence number.")
        return rows

    def validate(self, attrs):
        started = attrs.get("started_on", getattr(self.instance, "started_on", None))
        ended = attrs.get("ended_on", getattr(self.instance, "ended_on", None))
        if started and ended and ended < started:
            raise serializers.ValidationError({"ended_on": ["The track ends before it starts."]})
        return attrs


class ParticipantInputSerializer(StrictFieldsMixin, serializers.Serializer):
    actor = IdOrSlugRelatedField(queryset=_actors())
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    representing = IdOrSlugRelatedField(queryset=_actors(), allow_null=True, required=False)

    class Meta:
        list_serializer_class = RecordsListSerializer


class MeetingInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A meeting. Times with an offset are taken as given; times without one are read in the
    meeting's `time_zone`. When only the day is known, send `time_known: false` and the days
    (`starts_on`, `ends_on`) instead of times. `participants` (one row per actor), `tracks`, `proposals`
    and `sticking_points`, when given, replace the meeting's."""

    starts_at = LocalDateTimeField(
        required=False, help_text="ISO 8601; without an offset, read in the meeting's time_zone. Or starts_on."
    )
    ends_at = LocalDateTimeField(
        required=False, allow_null=True, help_text="ISO 8601; without an offset, read in the meeting's time_zone."
    )
    starts_on = serializers.DateField(
        required=False, write_only=True, help_text="The day, in the meeting's time zone, when the time is unknown."
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, write_only=True, help_text="The last day, when the time is unknown."
    )
    country = IdOrSlugRelatedField(queryset=_actors(), allow_null=True, required=False)
    tracks = IdOrSlugRelatedField(queryset=Track.objects.all(), many=True, required=False)
    proposals = IdOrSlugRelatedField(queryset=Proposal.objects.all(), many=True, required=False)
    sticking_points = IdOrSlugRelatedField(queryset=StickingPoint.objects.all(), many=True, required=False)
    participants = ParticipantInputSerializer(many=True, required=False, max_length=MAX_NESTED)

    class Meta:
        model = Meeting
        fields = (
            "title",
            "status",
            "format",
            "starts_at",
            "ends_at",
            "starts_on",
            "ends_on",
            "time_zone",
            "time_known",
            "location",
            "country",
            "closed_door",
            "unannounced",
            "summary",
            "outcome",
            "tracks",
            "proposals",
            "sticking_points",
            "participants",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = kwargs.get("data")
        # A whole meeting (a create or a PUT) needs its start: a time, or a day (`starts_on`).
        if not self.partial and isinstance(data, dict) and data.get("starts_on") is None:
            self.fields["starts_at"].required = True

    def validate_country(self, country: Actor | None) -> Actor | None:
        if country is not None and country.kind != Actor.Kind.STATE:
            raise serializers.ValidationError(f"{country} is not a state (its kind is {country.kind}).")
        return country

    def validate_participants(self, rows: list[dict]) -> list[dict]:
        unique_items(rows, lambda row: row["actor"].pk, "This actor is already a participant.")
        return rows

    def validate(self, attrs):
        zone_name = attrs.get("time_zone") or getattr(self.instance, "time_zone", None) or "UTC"
        zone = zoneinfo.ZoneInfo(zone_name)
        time_known = attrs.get("time_known", getattr(self.instance, "time_known", True))
        for name, day_name in (("starts_at", "starts_on"), ("ends_at", "ends_on")):
            if day_name not in attrs:
                continue
            day = attrs.pop(day_name)
            if time_known:
                raise serializers.ValidationError({day_name: ["Give starts_at/ends_at, or time_known false."]})
            if name in attrs:
                raise serializers.ValidationError({day_name: [f"Give {name} or {day_name}, not both."]})
            attrs[name] = day_stand_in(day, zone_name) if day is not None else None
        if time_known and self.instance is not None and not self.instance.time_known and "starts_at" not in attrs:
            raise serializers.ValidationError({"starts_at": ["Give the time now that it is known."]})
        if not time_known:  # only the day counts: the time given (if any) becomes the day's stand-in
            for name in ("starts_at", "ends_at"):
                if attrs.get(name) is not None:
                    moment = attrs[name] if timezone.is_aware(attrs[name]) else timezone.make_aware(attrs[name], zone)
                    attrs[name] = day_stand_in(moment.astimezone(zone).date(), zone_name)
        for name in ("starts_at", "ends_at"):
            if attrs.get(name) is not None and timezone.is_naive(attrs[name]):
                attrs[name] = timezone.make_aware(attrs[name], zone)
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        out_of_range = {
            name: ["Datetime value out of range."]
            for name, moment in (("starts_at", starts), ("ends_at", ends))
            if moment is not None and not _representable(moment, zone)
        }
        if out_of_range:
            raise serializers.ValidationError(out_of_range)
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_at": ["The meeting ends before it starts."]})
        return attrs


class TermInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ("key", "kind", "position", "text", "quantity", "unit", "quantity_is_open")

    def validate(self, attrs):
        if attrs.get("quantity") is not None and not attrs.get("unit"):
            raise serializers.ValidationError({"unit": ["A quantity needs a unit."]})
        return attrs


class ProposalInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A proposal; `terms` (matched by key) and `channel`, when given, replace the proposal's.
    Its status comes from its events (/api/v1/proposal-events/), never from this payload."""

    track = IdOrSlugRelatedField(queryset=Track.objects.all())
    proposer = IdOrSlugRelatedField(queryset=_actors())
    channel = IdOrSlugRelatedField(queryset=_actors(), many=True, required=False)
    previous_version = IdOrSlugRelatedField(queryset=Proposal.objects.all(), allow_null=True, required=False)
    terms = TermInputSerializer(many=True, required=False, max_length=MAX_NESTED)

    class Meta:
        model = Proposal
        fields = (
            "track",
            "title",
            "slug",
            "version_label",
            "proposer",
            "channel",
            "previous_version",
            "relation",
            "summary",
            "terms",
        )

    def validate_previous_version(self, previous: Proposal | None) -> Proposal | None:
        if previous is not None and self.instance is not None and previous.pk == self.instance.pk:
            raise serializers.ValidationError("A proposal cannot be its own previous version.")
        return previous

    def validate_terms(self, rows: list[dict]) -> list[dict]:
        unique_items(rows, lambda row: row["key"], "Another term has this key.")
        return rows

    def validate(self, attrs):
        previous = attrs.get("previous_version", getattr(self.instance, "previous_version", None))
        relation = attrs.get("relation", getattr(self.instance, "relation", ""))
        if previous is not None and not relation:
            raise serializers.ValidationError({"relation": ["Say how it relates to the previous version."]})
        if previous is None and relation:
            raise serializers.ValidationError({"previous_version": ["A relation needs a previous version."]})
        return attrs


class ProposalEventInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    proposal = IdOrSlugRelatedField(queryset=Proposal.objects.all())
    actor = IdOrSlugRelatedField(queryset=_actors(), allow_null=True, required=False)

    class Meta:
        model = ProposalEvent
        fields = ("proposal", "kind", "occurred_on", "actor", "note")


class ResponseInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    proposal = IdOrSlugRelatedField(queryset=Proposal.objects.all())
    actor = IdOrSlugRelatedField(queryset=_actors())
    counter_proposal = IdOrSlugRelatedField(queryset=Proposal.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Response
        fields = ("proposal", "actor", "kind", "responded_on", "summary", "counter_proposal")

    def validate(self, attrs):
        proposal = attrs.get("proposal", getattr(self.instance, "proposal", None))
        counter = attrs.get("counter_proposal", getattr(self.instance, "counter_proposal", None))
        if counter is not None and proposal is not None and counter.pk == proposal.pk:
            raise serializers.ValidationError({"counter_proposal": ["A proposal cannot counter itself."]})
        return attrs


class StickingPointInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A sticking point; its status comes from its status changes (/api/v1/sticking-point-statuses/)."""

    track = IdOrSlugRelatedField(queryset=Track.objects.all())

    class Meta:
        model = StickingPoint
        fields = ("track", "title", "slug", "category", "description")


class StatusChangeInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    sticking_point = IdOrSlugRelatedField(queryset=StickingPoint.objects.all())

    class Meta:
        model = StickingPointStatus
        fields = ("sticking_point", "status", "changed_on", "note")


class PositionInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    sticking_point = IdOrSlugRelatedField(queryset=StickingPoint.objects.all())
    actor = IdOrSlugRelatedField(queryset=_actors())

    class Meta:
        model = Position
        fields = ("sticking_point", "actor", "stated_on", "stance", "summary", "channel", "confidence")


class FigureInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    claimed_by = IdOrSlugRelatedField(queryset=_actors(), allow_null=True, required=False)
    track = IdOrSlugRelatedField(queryset=Track.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Figure
        fields = (
            "metric",
            "label",
            "value",
            "value_low",
            "value_high",
            "unit",
            "as_of",
            "claimed_by",
            "claimant_name",
            "track",
            "note",
        )

    def validate(self, attrs):
        def current(name):
            return attrs.get(name, getattr(self.instance, name, None))

        value, low, high = current("value"), current("value_low"), current("value_high")
        if value is not None and (low is not None or high is not None):
            raise serializers.ValidationError({"value": ["Give a number (value) or a range (value_low, value_high)."]})
        if value is None and low is None and high is None:
            raise serializers.ValidationError({"value": ["Give a number (value) or a range (value_low, value_high)."]})
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError({"value_high": ["The range's high end is below its low end."]})
        claimed_by = attrs.get("claimed_by", getattr(self.instance, "claimed_by", None))
        claimant_name = attrs.get("claimant_name", getattr(self.instance, "claimant_name", ""))
        if claimed_by is None and not claimant_name:
            raise serializers.ValidationError({"claimed_by": ["Give the claimant: an actor or a claimant_name."]})
        return attrs


class CitationInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A source for a record: `record_type` and `record_id` name the record; `article` (an ingested
    article's id), `url` or, for a publication without a link, its `title` (with `publisher` and
    `published_on`) name the source."""

    record_type = serializers.ChoiceField(choices=sorted(CITABLE))
    record_id = serializers.IntegerField(min_value=1)
    article = IdRelatedField(queryset=Article.objects.only("id"), allow_null=True, required=False)

    class Meta:
        model = Citation
        fields = ("record_type", "record_id", "article", "url", "publisher", "title", "published_on", "quote", "note")

    def validate(self, attrs):
        record_type = attrs.pop("record_type", None)
        record_id = attrs.pop("record_id", None)
        if (record_type is None) != (record_id is None):
            raise serializers.ValidationError({"record_id": ["Give record_type and record_id together."]})
        if record_type is not None:
            model = CITABLE[record_type]
            if not model.objects.filter(pk=record_id).exists():
                raise serializers.ValidationError(
                    {"record_id": [f"No {model._meta.verbose_name} with id {record_id}."]}
                )
            attrs["content_type"] = ContentType.objects.get_for_model(model)
            attrs["object_id"] = record_id
        article = attrs.get("article", getattr(self.instance, "article", None))
        url = attrs.get("url", getattr(self.instance, "url", ""))
        title = attrs.get("title", getattr(self.instance, "title", ""))
        if article is None and not url and not title:
            raise serializers.ValidationError(
                {"url": ["Give the source: an article, a URL or the publication's title."]}
            )
        return attrs
