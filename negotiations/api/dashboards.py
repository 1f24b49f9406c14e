"""Read-only endpoints that dashboards need beyond the resources: the timeline, the sticking-point board
and the proposals' states (both "as of" any day), a term-by-term comparison of two proposal versions,
how often pairs of actors met, and the upcoming meetings as an iCalendar feed.

Each view parses its query parameters with a serializer (a bad value, or a parameter the view does not
take, is a 400 naming the parameter),
calls one selector of negotiations/selectors.py and renders its rows. Reading needs the `view`
permission of every kind of record the answer shows, so the roles rule here as on the resources.
"""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Model, Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from actors.models import Actor
from negotiations import selectors, services
from negotiations.models import (
    CalendarFeed,
    Meeting,
    Participant,
    Position,
    Proposal,
    ProposalEvent,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
)
from negotiations.models import Response as ProposalResponse
from tracker.api.filters import FormatNegotiation, refuse_unknown_format, refuse_unknown_parameters
from tracker.api.permissions import RolePermissions, model_permission

from . import dashboard_serializers as s

BAD_REQUEST = OpenApiResponse(description="A parameter is invalid; the body names it.")
TAGS = ["dashboards"]
CALENDAR_PRODUCT = "-//Ceasefire negotiation tracker//Upcoming meetings//EN"
CALENDAR_UID_DOMAIN = "ceasefire-tracker"


class DashboardPermissions(RolePermissions):
    """The role rule of the view's model, plus `view` on each model in the view's `read_models`."""

    def required_permissions(self, request, view) -> list[str]:
        extra = {model_permission(model, "view") for model in getattr(view, "read_models", ())}
        return sorted({*super().required_permissions(request, view), *extra})


class DashboardView(APIView):
    """A GET-only view; `model` decides the role check (with `read_models`), `query_serializer_class`
    (where the view takes parameters) parses the query string."""

    permission_classes = [DashboardPermissions]
    # `?format=` picks a renderer only when it names one (the calendar's `ics`); another value is ignored, as
    # on the lists, rather than DRF's 404.
    content_negotiation_class = FormatNegotiation
    model: type[Model]
    read_models: tuple[type[Model], ...] = ()
    query_serializer_class: type[serializers.Serializer]

    def get_queryset(self):
        return self.model.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        query_serializer_class = getattr(self, "query_serializer_class", None)
        parameters = set(query_serializer_class().fields) if query_serializer_class else set()
        refuse_unknown_parameters(request, {*parameters, api_settings.URL_FORMAT_OVERRIDE})
        refuse_unknown_format(request, self)

    def query(self) -> dict:
        serializer = self.query_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC) if day else None


def _end_of(day: datetime.date | None) -> datetime.datetime | None:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC) if day else None


class TimelineView(DashboardView):
    """Meetings, proposal events, responses, sticking-point status changes and positions, merged in date
    order (on one day: meetings, events, responses, status changes, positions)."""

    model = Meeting
    read_models = (ProposalEvent, ProposalResponse, StickingPointStatus, Position)
    query_serializer_class = s.TimelineQuerySerializer

    @extend_schema(
        parameters=[s.TimelineQuerySerializer],
        responses={200: s.TimelineEntrySerializer(many=True), 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        query = self.query()
        entries = selectors.timeline(
            since=query.get("date_from"),
            until=query.get("date_to"),
            track=query.get("track"),
            actor=query.get("actor"),
            limit=query["limit"],
        )
        return Response(s.TimelineEntrySerializer(entries, many=True, context={"request": request}).data)


class StickingPointBoardView(DashboardView):
    """Every sticking point with its status and each party's latest position, as it stood on `as_of`."""

    model = StickingPoint
    read_models = (StickingPointStatus, Position, Actor, Track)
    query_serializer_class = s.AsOfQuerySerializer

    @extend_schema(
        parameters=[s.AsOfQuerySerializer],
        responses={200: s.BoardRowSerializer(many=True), 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        query = self.query()
        points = StickingPoint.objects.all()
        if query.get("track") is not None:
            points = points.filter(track=query["track"])
        rows = selectors.sticking_point_board(points, as_of=query.get("as_of"))
        return Response(s.BoardRowSerializer(rows, many=True).data)


class ProposalStatesView(DashboardView):
    """Every proposal's status (from its latest event, or superseded), as it stood on `as_of`."""

    model = Proposal
    read_models = (ProposalEvent,)
    query_serializer_class = s.AsOfQuerySerializer

    @extend_schema(
        parameters=[s.AsOfQuerySerializer],
        responses={200: s.ProposalStateSerializer(many=True), 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        query = self.query()
        proposals = Proposal.objects.all()
        if query.get("track") is not None:
            proposals = proposals.filter(track=query["track"])
        rows = (
            selectors.proposals_with_status(proposals, as_of=query.get("as_of"))
            .select_related("track", "proposer")
            .order_by("title", "id")
        )
        return Response(s.ProposalStateSerializer(rows, many=True).data)


class ProposalComparisonView(DashboardView):
    """Two versions of a proposal term by term (matched on the term's key), in the later version's order."""

    model = Proposal
    read_models = (Term,)
    query_serializer_class = s.ComparisonQuerySerializer

    @extend_schema(
        parameters=[s.ComparisonQuerySerializer],
        responses={200: s.TermChangeSerializer(many=True), 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        query = self.query()
        rows = selectors.proposal_comparison(query["before"], query["after"])
        return Response(s.TermChangeSerializer(rows, many=True).data)


class MeetingPairsView(DashboardView):
    """How often each pair of actors met in the period (held or scheduled meetings), most first."""

    model = Meeting
    read_models = (Participant, Actor)
    query_serializer_class = s.MeetingPairsQuerySerializer

    @extend_schema(
        parameters=[s.MeetingPairsQuerySerializer],
        responses={200: s.MeetingPairSerializer(many=True), 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        query = self.query()
        actor = query.get("actor")
        pairs = selectors.meeting_pairs(
            since=_start_of(query.get("date_from")),
            until=_end_of(query.get("date_to")),
            actor=actor,
            track=query.get("track"),
        )
        return Response(s.MeetingPairSerializer(pairs, many=True).data)


class ICalendarRenderer(BaseRenderer):
    """text/calendar: the view hands over the finished calendar; an error shows its message as text."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return str(data.get("detail", data) if isinstance(data, dict) else data).encode()


def upcoming_meetings(*, today: datetime.date):
    """Scheduled meetings starting today (UTC) or later, with their participants, earliest first."""
    participants = Participant.objects.select_related("actor").order_by("id")
    return (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__date__gte=today)
        .prefetch_related(Prefetch("participant_rows", queryset=participants))
        .order_by("starts_at", "id")
    )


# A meeting's status as iCalendar says it, so a subscribed calendar strikes out a cancelled meeting.
EVENT_STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def meeting_event(meeting: Meeting) -> icalendar.Event:
    """One VEVENT: a stable UID per meeting; times in UTC, or the local day(s) when only the day is known."""
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{CALENDAR_UID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("summary", meeting.title)
    if meeting.time_known:
        event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
        if meeting.ends_at is not None:
            event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    else:
        zone = ZoneInfo(meeting.time_zone)
        first_day = meeting.starts_at.astimezone(zone).date()
        last_day = meeting.ends_at.astimezone(zone).date() if meeting.ends_at is not None else first_day
        event.add("dtstart", first_day)
        event.add("dtend", last_day + datetime.timedelta(days=1))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    participants = ", ".join(row.actor.name for row in meeting.participant_rows.all())
    description = "\n\n".join(part for part in (meeting.summary, participants and f"With: {participants}") if part)
    if description:
        event.add("description", description)
    event.add("status", EVENT_STATUS[meeting.status])
    return event


class UpcomingMeetingsCalendarView(DashboardView):
    """Scheduled meetings from today (UTC) on, as an iCalendar feed a calendar can subscribe to (with a
    token: `Authorization: Token …`). Meetings whose time is not known are all-day events."""

    model = Meeting
    read_models = (Participant, Actor)
    # The feed itself is always text/calendar; errors are JSON unless the client asks for text/calendar only.
    renderer_classes = [JSONRenderer, ICalendarRenderer]

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR, 400: BAD_REQUEST},
        tags=TAGS,
    )
    def get(self, request):
        return calendar_response("Upcoming meetings", upcoming_meetings(today=timezone.now().date()))


def calendar_response(name: str, meetings, *, refresh_hours: int = 1) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", CALENDAR_PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    # How often a subscribed calendar should fetch the feed again (RFC 7986, and the de facto X- property).
    calendar.add("refresh-interval", datetime.timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", f"PT{refresh_hours}H")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


class CalendarFeedView(DashboardView):
    """A user's secret calendar address (`/api/v1/calendar/<key>/meetings.ics`): meetings from
    `CALENDAR_PAST_DAYS` days ago (or `?past_days=`) on, whatever their status (cancelled ones marked so),
    for calendar apps, which send no Authorization header: the key in the address is the credential. An
    unknown or revoked key, or a user who may no longer read meetings, is a 404."""

    authentication_classes = []
    permission_classes = []
    model = Meeting
    read_models = (Participant, Actor)
    query_serializer_class = s.CalendarFeedQuerySerializer
    renderer_classes = [JSONRenderer, ICalendarRenderer]

    @extend_schema(
        parameters=[s.CalendarFeedQuerySerializer],
        responses={
            (200, "text/calendar"): OpenApiTypes.STR,
            400: BAD_REQUEST,
            404: OpenApiResponse(description="No such calendar address (or it was revoked)."),
        },
        tags=TAGS,
        auth=[],
    )
    def get(self, request, key: str):
        feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
        user = feed.user if feed is not None else None
        required = [model_permission(model, "view") for model in (self.model, *self.read_models)]
        if user is None or not user.is_active or not user.has_perms(required):
            raise NotFound("No such calendar address (or it was revoked).")
        query = self.query()
        past_days = query.get("past_days", settings.CALENDAR_PAST_DAYS)
        meetings = selectors.calendar_meetings(today=timezone.now().date(), past_days=past_days)
        return calendar_response("Meetings — Ceasefire negotiation tracker", meetings)


class CalendarAddressSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Subscribe to it in a calendar app; anyone with it can read the feed.")
    created_at = serializers.DateTimeField(source="updated_at", help_text="When this address was issued.")


def calendar_address(request, feed: CalendarFeed) -> dict:
    url = request.build_absolute_uri(reverse("api:calendar-feed", args=[feed.key]))
    return CalendarAddressSerializer({"url": url, "updated_at": feed.updated_at}).data


class MyCalendarView(DashboardView):
    """The signed-in user's secret calendar address: GET shows it, POST issues a new one (the old one
    stops working), DELETE revokes it. The same address is on the user's page, /account/calendar/."""

    model = Meeting
    read_models = (Participant, Actor)
    renderer_classes = [JSONRenderer]

    def check_permissions(self, request):
        # Reading meetings is what the address gives, so that is what managing it needs, for every method
        # it offers (one it does not is a 405 for everyone, as elsewhere in the API).
        if not hasattr(self, request.method.lower()):
            return
        if not request.user.is_authenticated:
            self.permission_denied(request)
        required = [model_permission(model, "view") for model in (self.model, *self.read_models)]
        if not request.user.has_perms(required):
            self.permission_denied(request, message="Your role may not read meetings.")

    @extend_schema(responses={200: CalendarAddressSerializer, 404: OpenApiResponse(description="None issued.")})
    def get(self, request):
        feed = CalendarFeed.objects.filter(user=request.user).first()
        if feed is None:
            raise NotFound("No calendar address yet: POST to issue one.")
        return Response(calendar_address(request, feed))

    @extend_schema(request=None, responses={201: CalendarAddressSerializer})
    def post(self, request):
        feed = services.calendar_feed_issue(user=request.user)
        return Response(calendar_address(request, feed), status=201)

    @extend_schema(request=None, responses={204: None, 404: OpenApiResponse(description="None issued.")})
    def delete(self, request):
        if not services.calendar_feed_revoke(user=request.user):
            raise NotFound("No calendar address to revoke.")
        return Response(status=204)
