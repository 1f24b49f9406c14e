"""Query parameters and answers of the dashboard endpoints (negotiations/api/dashboards.py).

The query serializers parse and check the parameters (a bad date or an unknown id is a 400 naming the
parameter); the answer serializers only read what the selectors have already loaded.
"""

from django.db.models import Model
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.api.serializers import ActorBriefSerializer
from actors.models import Actor
from negotiations.models import Proposal, StickingPoint, Track
from tracker.api.filters import find_record

from .serializers import TrackBriefSerializer

DATE_HELP = "YYYY-MM-DD."
MAX_TIMELINE_ENTRIES = 1000


class IdOrSlugParameter(serializers.CharField):
    """A query parameter naming a record by id or slug (`?track=3` or `?track=gaza-ceasefire`); the record."""

    default_error_messages = {"missing": 'No {model} with id or slug "{value}".'}

    def __init__(self, *, model: type[Model], **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        # The text's own checks first (null characters, length): a value that fails them must not reach the
        # database (PostgreSQL refuses a NUL in a query: a 500, not the 400 it is).
        return self.record(super().run_validation(data))

    def record(self, value: str):
        found = find_record(self.model, value)
        if found is None:
            self.fail("missing", model=self.model._meta.verbose_name, value=value)
        return found


class PeriodQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text=f"On or after this day (inclusive, UTC). {DATE_HELP}")
    date_to = serializers.DateField(required=False, help_text=f"On or before this day (inclusive, UTC). {DATE_HELP}")

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must be on or after date_from."]})
        return attrs


class TimelineQuerySerializer(PeriodQuerySerializer):
    track = IdOrSlugParameter(model=Track, required=False, help_text="Only this track (id or slug).")
    actor = IdOrSlugParameter(
        model=Actor,
        required=False,
        help_text="Only what involves this actor (id or slug): participant, proposer, responder, position holder.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TIMELINE_ENTRIES,
        default=500,
        help_text=f"At most this many entries, earliest first (default 500, at most {MAX_TIMELINE_ENTRIES}).",
    )


class MeetingPairsQuerySerializer(PeriodQuerySerializer):
    track = IdOrSlugParameter(model=Track, required=False, help_text="Only meetings of this track (id or slug).")
    actor = IdOrSlugParameter(model=Actor, required=False, help_text="Only pairs with this actor (id or slug).")


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False,
        help_text=(
            "The record as it stood at the end of this day: records with no dated fact by then are left out "
            f"(default: every record as it stands now). {DATE_HELP}"
        ),
    )
    track = IdOrSlugParameter(model=Track, required=False, help_text="Only this track (id or slug).")


class CalendarFeedQuerySerializer(serializers.Serializer):
    past_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=366,
        help_text="Keep meetings that started up to this many days ago (default: CALENDAR_PAST_DAYS, 30).",
    )


class ComparisonQuerySerializer(serializers.Serializer):
    before = IdOrSlugParameter(model=Proposal, help_text="The earlier version (id or slug).")
    after = IdOrSlugParameter(model=Proposal, help_text="The later version (id or slug).")


# Answers ------------------------------------------------------------------------------------------


RECORD_ROUTES = {
    "meeting": "api:meeting-detail",
    "proposal_event": "api:proposal-event-detail",
    "response": "api:response-detail",
    "status_change": "api:sticking-point-status-detail",
    "position": "api:position-detail",
}

RECORD_KINDS = f"One of: {', '.join(RECORD_ROUTES)}."


class TimelineRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=RECORD_KINDS)
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The record in the API.")


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField(source="on")
    kind = serializers.CharField(help_text=RECORD_KINDS)
    title = serializers.CharField()
    record = serializers.SerializerMethodField()
    actors = ActorBriefSerializer(
        many=True, help_text="The actors it involves (participants, the event's actor, responder, position holder)."
    )
    actor_ids = serializers.ListField(child=serializers.IntegerField())

    @extend_schema_field(TimelineRecordSerializer)
    def get_record(self, entry) -> dict:
        url = reverse(RECORD_ROUTES[entry.kind], args=[entry.record.pk])
        request = self.context.get("request")
        return {
            "type": entry.kind,
            "id": entry.record.pk,
            "url": request.build_absolute_uri(url) if request is not None else url,
        }


class BoardPositionSerializer(serializers.Serializer):
    actor = ActorBriefSerializer()
    stance = serializers.CharField()
    summary = serializers.CharField()
    stated_on = serializers.DateField()
    channel = serializers.CharField()
    confidence = serializers.CharField()


class BoardRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="sticking_point.pk")
    slug = serializers.CharField(source="sticking_point.slug")
    title = serializers.CharField(source="sticking_point.title")
    category = serializers.CharField(source="sticking_point.category")
    track = TrackBriefSerializer(source="sticking_point.track")
    status = serializers.ChoiceField(
        choices=StickingPoint.Status.choices,
        source="sticking_point.status",
        help_text="The latest status change's by then; open before the first one.",
    )
    status_since = serializers.DateField(
        source="sticking_point.status_since",
        allow_null=True,
        help_text="The latest status change's day by then (before the first one: the first position's).",
    )
    party_count = serializers.IntegerField(source="sticking_point.party_count")
    positions = BoardPositionSerializer(many=True, help_text="Each actor's latest position by then, by name.")


class ProposalStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    version_label = serializers.CharField()
    track_id = serializers.IntegerField()
    track = TrackBriefSerializer()
    proposer = ActorBriefSerializer()
    status = serializers.ChoiceField(choices=Proposal.Status.choices)
    status_since = serializers.DateField(
        source="latest_event_on", allow_null=True, help_text="The day of the latest status event by then."
    )
    violations = serializers.IntegerField(help_text="Violations recorded by then.")


class TermVersionSerializer(serializers.Serializer):
    text = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    quantity_is_open = serializers.BooleanField()


class TermChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed", "same"])
    before = TermVersionSerializer(allow_null=True)
    after = TermVersionSerializer(allow_null=True)


class MeetingPairSerializer(serializers.Serializer):
    actors = serializers.SerializerMethodField()
    meetings = serializers.IntegerField()
    # Days, not instants: a meeting's time of day may be unknown (Meeting.time_known).
    first_met = serializers.SerializerMethodField(help_text="The day of their first meeting in the period (UTC).")
    last_met = serializers.SerializerMethodField(help_text="The day of their last meeting in the period (UTC).")

    @extend_schema_field(OpenApiTypes.DATE)
    def get_first_met(self, pair) -> str:
        return pair.first_met.date().isoformat()

    @extend_schema_field(OpenApiTypes.DATE)
    def get_last_met(self, pair) -> str:
        return pair.last_met.date().isoformat()

    @extend_schema_field(ActorBriefSerializer(many=True))
    def get_actors(self, pair) -> list[dict]:
        return ActorBriefSerializer([pair.first, pair.second], many=True).data
