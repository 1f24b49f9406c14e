from negotiations.models import Participant, Phase, Term, TrackActor
from tracker.api.views import RecordViewSet

from . import filters, selectors, serializers, services


class TrackViewSet(RecordViewSet):
    """Negotiation tracks with their parties, mediators, guarantors and phases.

    `actors` and `phases` sent on a write replace the track's (phases are matched by sequence)."""

    serializer_class = serializers.TrackSerializer
    input_serializer_class = serializers.TrackInputSerializer
    filterset_class = filters.TrackFilter
    ordering_fields = ("name", "status", "started_on", "created_at", "updated_at")
    ordering = ("name",)
    nested_models = (TrackActor, Phase)

    def get_queryset(self):
        return selectors.tracks_for_api()

    def write(self, *, instance, data: dict):
        return services.track_save(instance=instance, **data)


class MeetingViewSet(RecordViewSet):
    """Meetings with their participants, tracks, the proposals and sticking points on the table (with
    their current status) and sources: one request draws a meeting card.

    Times without an offset are read in the meeting's `time_zone`; `*_local` fields show them there."""

    serializer_class = serializers.MeetingSerializer
    input_serializer_class = serializers.MeetingInputSerializer
    filterset_class = filters.MeetingFilter
    ordering_fields = ("starts_at", "title", "status", "created_at", "updated_at")
    ordering = ("-starts_at",)
    nested_models = (Participant,)

    def get_queryset(self):
        return selectors.meetings_for_api()

    def write(self, *, instance, data: dict):
        return services.meeting_save(instance=instance, **data)


class ProposalViewSet(RecordViewSet):
    """Proposals with their derived status, event log (status history), terms and responses.

    The status is read-only: record events at /api/v1/proposal-events/. `terms` (matched by key) and
    `channel` sent on a write replace the proposal's."""

    serializer_class = serializers.ProposalSerializer
    input_serializer_class = serializers.ProposalInputSerializer
    filterset_class = filters.ProposalFilter
    ordering_fields = ("title", "status", "status_since", "created_at", "updated_at")
    ordering = ("title",)
    nested_models = (Term,)

    def get_queryset(self):
        return selectors.proposals_for_api()

    def write(self, *, instance, data: dict):
        return services.proposal_save(instance=instance, **data)


class ProposalEventViewSet(RecordViewSet):
    """Dated events of proposals; the latest one gives a proposal its status."""

    serializer_class = serializers.ProposalEventSerializer
    input_serializer_class = serializers.ProposalEventInputSerializer
    filterset_class = filters.ProposalEventFilter
    ordering_fields = ("occurred_on", "kind", "created_at", "updated_at")
    ordering = ("occurred_on",)

    def get_queryset(self):
        return selectors.proposal_events_for_api()

    def write(self, *, instance, data: dict):
        return services.proposal_event_save(instance=instance, **data)


class ResponseViewSet(RecordViewSet):
    """Each party's dated answer to a proposal."""

    serializer_class = serializers.ResponseSerializer
    input_serializer_class = serializers.ResponseInputSerializer
    filterset_class = filters.ResponseFilter
    ordering_fields = ("responded_on", "kind", "created_at", "updated_at")
    ordering = ("responded_on",)

    def get_queryset(self):
        return selectors.responses_for_api()


class StickingPointViewSet(RecordViewSet):
    """Sticking points with their derived status, status history and every dated position: one request
    draws a sticking-point board. The status is read-only: record changes at
    /api/v1/sticking-point-statuses/."""

    serializer_class = serializers.StickingPointSerializer
    input_serializer_class = serializers.StickingPointInputSerializer
    filterset_class = filters.StickingPointFilter
    ordering_fields = ("title", "category", "status", "status_since", "party_count", "created_at", "updated_at")
    ordering = ("title",)

    def get_queryset(self):
        return selectors.sticking_points_for_api()


class StatusChangeViewSet(RecordViewSet):
    """Dated status changes of sticking points; the latest one is the status."""

    serializer_class = serializers.StatusChangeSerializer
    input_serializer_class = serializers.StatusChangeInputSerializer
    filterset_class = filters.StatusChangeFilter
    ordering_fields = ("changed_on", "status", "created_at", "updated_at")
    ordering = ("changed_on",)

    def get_queryset(self):
        return selectors.status_changes_for_api()

    def write(self, *, instance, data: dict):
        return services.status_change_save(instance=instance, **data)


class PositionViewSet(RecordViewSet):
    """What each actor holds on a sticking point, dated and sourced."""

    serializer_class = serializers.PositionSerializer
    input_serializer_class = serializers.PositionInputSerializer
    filterset_class = filters.PositionFilter
    ordering_fields = ("stated_on", "stance", "created_at", "updated_at")
    ordering = ("stated_on",)

    def get_queryset(self):
        return selectors.positions_for_api()


class FigureViewSet(RecordViewSet):
    """Claimed quantities: one claimant's number as of a date; conflicting claims stand side by side."""

    serializer_class = serializers.FigureSerializer
    input_serializer_class = serializers.FigureInputSerializer
    filterset_class = filters.FigureFilter
    ordering_fields = ("as_of", "metric", "value", "created_at", "updated_at")
    ordering = ("-as_of",)

    def get_queryset(self):
        return selectors.figures_for_api()


class CitationViewSet(RecordViewSet):
    """Sources of any record: an ingested article or an external URL, with the passage relied on."""

    serializer_class = serializers.CitationSerializer
    input_serializer_class = serializers.CitationInputSerializer
    filterset_class = filters.CitationFilter
    ordering_fields = ("published_on", "created_at", "updated_at")
    ordering = ("id",)

    def get_queryset(self):
        return selectors.citations_for_api()
