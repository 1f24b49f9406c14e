import datetime
import zoneinfo

from django.contrib import admin, messages
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.html import format_html_join

from tracker.admin_tools import PreloadingStackedInline, PreloadingTabularInline, RecordAdmin, add_inline

from . import selectors, services
from .admin_inlines import CitationInline
from .models import (
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


def _names(rows, attribute: str = "actor") -> str:
    return ", ".join(sorted(str(getattr(row, attribute)) for row in rows)) or "—"


# Tracks ---------------------------------------------------------------------


class TrackActorInline(PreloadingTabularInline):
    model = TrackActor
    fields = ("actor", "role")
    autocomplete_fields = ("actor",)


class PhaseInline(PreloadingStackedInline):
    model = Phase
    fields = (("sequence", "name", "status"), ("starts_on", "ends_on", "deadline"), "opening_conditions")


# An actor's page lists its citations too; actors/ knows no other app, so the inline is added from here.
add_inline("actors.Actor", CitationInline)


@admin.register(Track)
class TrackAdmin(RecordAdmin):
    ordering = ("name",)
    list_display = ("name", "status", "parties", "mediators", "started_on")
    list_filter = ("status",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TrackActorInline, PhaseInline, CitationInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("track_actors", queryset=TrackActor.objects.select_related("actor")))
        )

    @admin.display(description="parties")
    def parties(self, track: Track) -> str:
        return _names(row for row in track.track_actors.all() if row.role == TrackActor.Role.PARTY)

    @admin.display(description="mediators")
    def mediators(self, track: Track) -> str:
        return _names(row for row in track.track_actors.all() if row.role == TrackActor.Role.MEDIATOR)


@admin.register(Phase)
class PhaseAdmin(RecordAdmin):
    list_display = ("name", "track", "sequence", "status", "starts_on", "deadline")
    list_filter = ("status", "track")
    list_select_related = ("track",)
    search_fields = ("name", "track__name")
    autocomplete_fields = ("track",)


# Meetings -------------------------------------------------------------------


class ParticipantInline(PreloadingTabularInline):
    model = Participant
    fk_name = "meeting"
    fields = ("actor", "role", "representing")
    autocomplete_fields = ("actor", "representing")


@admin.action(description="Mark selected meetings as held", permissions=["change"])
def mark_held(modeladmin, request, queryset):
    for meeting in queryset:
        services.meeting_set_status(meeting=meeting, status=Meeting.Status.HELD)
    messages.success(request, "Marked as held.")


@admin.action(description="Mark selected meetings as postponed", permissions=["change"])
def mark_postponed(modeladmin, request, queryset):
    for meeting in queryset:
        services.meeting_set_status(meeting=meeting, status=Meeting.Status.POSTPONED)
    messages.success(request, "Marked as postponed.")


def time_zone_note(meeting: Meeting | None) -> str:
    """Which time zone the form's times are in, with the offset on the meeting's own date (daylight saving
    included): "In the meeting's time zone: America/New_York, UTC−04:00 on 7 July 2025"."""
    if meeting is None or meeting.pk is None:
        return "In the meeting's time zone (below)."
    try:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "In the meeting's time zone (below)."
    local = meeting.starts_at.astimezone(zone)
    offset = local.strftime("%z")
    sign = "−" if offset.startswith("-") else "+"
    note = (
        f"In the meeting's time zone: {meeting.time_zone}, UTC{sign}{offset[1:3]}:{offset[3:]} "
        f"on {local.day} {local:%B %Y}."
    )
    if not meeting.time_known:
        note += " Only the day is known: the time here only keeps the day and is never shown to users."
    return note


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    ordering = ("-starts_at",)
    list_display = ("title", "local_start", "format", "status", "who", "closed_door", "unannounced")
    list_filter = ("status", "format", "closed_door", "unannounced", "tracks")
    search_fields = ("title", "location", "summary", "participants__name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("country", "tracks", "proposals", "sticking_points")
    inlines = (ParticipantInline, CitationInline)
    actions = (*RecordAdmin.actions, mark_held, mark_postponed)
    fieldsets = (
        (None, {"fields": ("title", "tracks", ("status", "format"))}),
        ("When and where", {"fields": (("starts_at", "ends_at"), ("time_zone", "time_known"), "location", "country")}),
        ("Character", {"fields": (("closed_door", "unannounced"),)}),
        ("Substance", {"fields": ("proposals", "sticking_points", "summary", "outcome")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("participant_rows", queryset=Participant.objects.select_related("actor")))
        )

    class Media:
        # Django's "You are N hours ahead of server time" compares the browser with today's offset of the
        # zone the form renders in; the meeting's own offset on its date (below each time) is what counts.
        js = ("tracker/meeting_form.js",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        note = time_zone_note(obj)
        for name in ("starts_at", "ends_at"):
            if name in form.base_fields:
                form.base_fields[name].help_text = note
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show and read the start and end in the meeting's own time zone (the posted one when saving)."""
        zone_name = request.POST.get("time_zone")
        if not zone_name and object_id:
            zone_name = Meeting.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()
        try:
            zone = zoneinfo.ZoneInfo(zone_name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = datetime.UTC  # the form reports the invalid zone itself
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    @admin.display(description="start (local)", ordering="starts_at")
    def local_start(self, meeting: Meeting) -> str:
        try:
            zone = zoneinfo.ZoneInfo(meeting.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = meeting.starts_at.astimezone(zone)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}" if meeting.time_known else f"{local:%Y-%m-%d}"

    @admin.display(description="participants")
    def who(self, meeting: Meeting) -> str:
        return _names(meeting.participant_rows.all())


# Proposals ------------------------------------------------------------------


class EventInline(PreloadingTabularInline):
    model = ProposalEvent
    fields = ("occurred_on", "kind", "actor", "note")
    autocomplete_fields = ("actor",)


class TermInline(PreloadingTabularInline):
    model = Term
    fields = ("position", "kind", "key", "text", "quantity", "unit", "quantity_is_open")


class ResponseInline(PreloadingTabularInline):
    model = Response
    fk_name = "proposal"
    fields = ("responded_on", "actor", "kind", "summary", "counter_proposal")
    autocomplete_fields = ("actor", "counter_proposal")


@admin.register(Proposal)
class ProposalAdmin(RecordAdmin):
    ordering = ("title", "version_label")
    list_display = ("title", "version_label", "track", "proposer", "current_status", "response_summary", "term_count")
    list_filter = ("track", ("proposer", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("track", "proposer")
    search_fields = ("title", "slug", "summary", "terms__text")
    prepopulated_fields = {"slug": ("title", "version_label")}
    autocomplete_fields = ("track", "proposer", "channel", "previous_version")
    readonly_fields = ("current_status",)
    inlines = (EventInline, TermInline, ResponseInline, CitationInline)

    def get_queryset(self, request):
        queryset = selectors.proposals_with_status(super().get_queryset(request))
        return queryset.annotate(term_count=Count("terms", distinct=True)).prefetch_related(
            Prefetch("responses", queryset=Response.objects.select_related("actor").order_by("responded_on", "id"))
        )

    @admin.display(description="status (derived from the events)", ordering="status")
    def current_status(self, proposal: Proposal) -> str:
        if getattr(proposal, "status", None) is None:  # the add form: no events yet
            return f"{Proposal.Status.DRAFTED.label} (until an event says otherwise)"
        label = Proposal.Status(proposal.status).label
        if proposal.latest_event_on:
            label = f"{label} ({proposal.latest_event_on})"
        if proposal.violations:
            label = f"{label}, {proposal.violations} violation(s) reported"
        return label

    @admin.display(description="responses")
    def response_summary(self, proposal: Proposal):
        latest = {}
        for response in proposal.responses.all():
            latest[response.actor_id] = response
        return format_html_join(", ", "{}: {}", ((r.actor, r.get_kind_display()) for r in latest.values())) or "—"

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, proposal: Proposal) -> int:
        return proposal.term_count


class DeliveryInline(PreloadingTabularInline):
    model = Delivery
    fields = ("delivered_on", "quantity", "assessment", "note")


@admin.register(Term)
class TermAdmin(RecordAdmin):
    list_display = ("__str__", "proposal", "key", "quantity", "unit", "delivered")
    list_filter = ("kind",)
    list_select_related = ("proposal",)
    search_fields = ("text", "key", "proposal__title")
    autocomplete_fields = ("proposal",)
    inlines = (DeliveryInline, CitationInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivered_total=Sum("deliveries__quantity"))

    @admin.display(description="delivered")
    def delivered(self, term: Term) -> str:
        if term.delivered_total is None:
            return "—"
        planned = f" of {term.quantity.normalize():f}" if term.quantity is not None else ""
        return f"{term.delivered_total.normalize():f}{planned}"


@admin.register(Response)
class ResponseAdmin(RecordAdmin):
    list_display = ("proposal", "actor", "kind", "responded_on")
    list_filter = ("kind",)
    list_select_related = ("proposal", "actor")
    search_fields = ("summary", "actor__name", "proposal__title")
    autocomplete_fields = ("proposal", "actor", "counter_proposal")
    date_hierarchy = "responded_on"
    inlines = (CitationInline,)


# Sticking points --------------------------------------------------------------


class StatusInline(PreloadingTabularInline):
    model = StickingPointStatus
    fields = ("changed_on", "status", "note")


class PositionInline(PreloadingTabularInline):
    model = Position
    fields = ("stated_on", "actor", "stance", "summary", "channel", "confidence")
    autocomplete_fields = ("actor",)


def _status_action(status: str):
    @admin.action(description=f"Mark as {StickingPoint.Status(status).label.lower()} today", permissions=["change"])
    def action(modeladmin, request, queryset):
        for sticking_point in queryset:
            services.sticking_point_set_status(sticking_point=sticking_point, status=status)
        messages.success(request, f"Status set to {StickingPoint.Status(status).label.lower()}.")

    action.__name__ = f"mark_{status}"
    return action


@admin.register(StickingPoint)
class StickingPointAdmin(RecordAdmin):
    ordering = ("title",)
    list_display = ("title", "track", "category", "current_status", "party_count")
    list_filter = ("track", "category")
    list_select_related = ("track",)
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("track",)
    inlines = (StatusInline, PositionInline, CitationInline)
    actions = (*RecordAdmin.actions, *(_status_action(s) for s in StickingPoint.Status.values))

    def get_queryset(self, request):
        return selectors.sticking_points_with_state(super().get_queryset(request))

    @admin.display(description="status", ordering="status")
    def current_status(self, sticking_point: StickingPoint) -> str:
        if not sticking_point.status:
            return "—"
        return f"{StickingPoint.Status(sticking_point.status).label} since {sticking_point.status_since}"

    @admin.display(description="parties with a position", ordering="party_count")
    def party_count(self, sticking_point: StickingPoint) -> int:
        return sticking_point.party_count


@admin.register(Position)
class PositionAdmin(RecordAdmin):
    list_display = ("sticking_point", "actor", "stated_on", "stance", "channel", "confidence")
    list_filter = ("stance", "channel", "confidence", "sticking_point__track")
    list_select_related = ("sticking_point", "actor")
    search_fields = ("summary", "actor__name", "sticking_point__title")
    autocomplete_fields = ("sticking_point", "actor")
    date_hierarchy = "stated_on"
    inlines = (CitationInline,)


# Figures and citations ----------------------------------------------------------


@admin.register(Figure)
class FigureAdmin(RecordAdmin):
    list_display = ("label", "amount", "unit", "as_of", "claimant", "source_count")
    fields = (
        ("metric", "label"),
        ("value", "value_low", "value_high", "unit"),
        "as_of",
        ("claimed_by", "claimant_name"),
        "track",
        "note",
    )
    list_filter = ("metric",)
    list_select_related = ("claimed_by",)
    search_fields = ("label", "metric", "claimant_name", "claimed_by__name")
    autocomplete_fields = ("claimed_by", "track")
    date_hierarchy = "as_of"
    inlines = (CitationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("citations", distinct=True))

    @admin.display(description="figure", ordering="value")
    def amount(self, figure: Figure) -> str:
        return figure.amount

    @admin.display(description="claimed by")
    def claimant(self, figure: Figure) -> str:
        return str(figure.claimed_by) if figure.claimed_by_id else figure.claimant_name

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, figure: Figure) -> int:
        return figure.source_count


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    list_display = ("__str__", "record_kind", "cited_record", "published_on", "url")
    list_filter = ("content_type", "publisher")
    list_select_related = ("article",)
    search_fields = ("publisher", "title", "quote", "url")
    autocomplete_fields = ("article",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    @admin.display(description="kind of record")
    def record_kind(self, citation: Citation) -> str:
        return citation.record._meta.verbose_name if citation.record is not None else "—"

    @admin.display(description="cites")
    def cited_record(self, citation: Citation) -> str:
        return str(citation.record) if citation.record is not None else "(deleted record)"
