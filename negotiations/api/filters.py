"""Filters of the negotiation record. `actor` matches an actor in any role the resource has; `track`,
`actor`, `proposal` and `sticking_point` take an id or a slug; `date_from` / `date_to` are inclusive."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ValidationError

from actors.models import Actor
from negotiations.models import (
    Citation,
    Figure,
    Meeting,
    Participant,
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
from tracker import search
from tracker.api.filters import BooleanFilter, IdFilter, RecordFilter

from .serializers import CITABLE

# The fields of the stored search vectors that negotiations/migrations/0011 adds (tracker/search.py).
MEETING_TEXT = ("title", "location", "summary", "outcome")
PROPOSAL_TEXT = ("title", "version_label", "summary")
TERM_TEXT = ("text",)
STICKING_POINT_TEXT = ("title", "description")
SUMMARY_TEXT = ("summary",)  # positions and responses
CITATION_TEXT = ("publisher", "title", "quote")
SEARCH_HELP = (
    'Full-text search over {what}: words, "a phrase", or, -word. Pages reach the first 1,000 matches in '
    "the list's order, best first unless `ordering` is given."
)


def search_filter(what: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(method="filter_search", help_text=SEARCH_HELP.format(what=what))


def _dates(field: str, what: str) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", help_text=f"{what} on or after (YYYY-MM-DD)."),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", help_text=f"{what} on or before (YYYY-MM-DD)."),
    )


ACTOR_HELP = "An actor (id or slug) in any role: {roles}."


class TrackFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Track.Status.choices)
    actor = RecordFilter(model=Actor, method="filter_actor", help_text=ACTOR_HELP.format(roles="party, mediator…"))
    date_from, date_to = _dates("started_on", "Started")

    class Meta:
        model = Track
        fields = ("status", "actor", "date_from", "date_to")

    def filter_actor(self, queryset, name, value: str):
        return queryset.filter(Exists(TrackActor.objects.filter(actor=value, track=OuterRef("pk"))))


class MeetingFilter(django_filters.FilterSet):
    search = search_filter("the title, place, summary and outcome")
    status = django_filters.MultipleChoiceFilter(choices=Meeting.Status.choices)
    format = django_filters.MultipleChoiceFilter(choices=Meeting.Format.choices)
    track = RecordFilter(model=Track, method="filter_track", help_text="A track of the meeting (id or slug).")
    actor = RecordFilter(
        model=Actor,
        method="filter_actor",
        help_text=ACTOR_HELP.format(roles="participant, represented, host country"),
    )
    proposal = RecordFilter(model=Proposal, method="filter_proposal", help_text="A proposal on the table (id or slug).")
    sticking_point = RecordFilter(
        model=StickingPoint, method="filter_sticking_point", help_text="A sticking point on the table (id or slug)."
    )
    unannounced = BooleanFilter(help_text="true or false.")
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", help_text="Starts on or after (YYYY-MM-DD, UTC)."
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", help_text="Starts on or before (YYYY-MM-DD, UTC)."
    )

    class Meta:
        model = Meeting
        fields = ("status", "format", "track", "actor", "proposal", "sticking_point", "unannounced")

    def filter_track(self, queryset, name, value: Track):
        through = Meeting.tracks.through.objects.filter(track=value, meeting=OuterRef("pk"))
        return queryset.filter(Exists(through))

    def filter_proposal(self, queryset, name, value: Proposal):
        through = Meeting.proposals.through.objects.filter(proposal=value, meeting=OuterRef("pk"))
        return queryset.filter(Exists(through))

    def filter_sticking_point(self, queryset, name, value: StickingPoint):
        through = Meeting.sticking_points.through.objects.filter(stickingpoint=value, meeting=OuterRef("pk"))
        return queryset.filter(Exists(through))

    def filter_actor(self, queryset, name, value: Actor):
        rows = Participant.objects.filter(Q(actor=value) | Q(representing=value))
        return queryset.filter(Exists(rows.filter(meeting=OuterRef("pk"))) | Q(country=value))

    def filter_search(self, queryset, name, value: str):
        return search.matches(queryset, MEETING_TEXT, value)


class ProposalFilter(django_filters.FilterSet):
    search = search_filter("the title, version, summary and the terms' text")
    status = django_filters.MultipleChoiceFilter(choices=Proposal.Status.choices, help_text="The derived status.")
    track = RecordFilter(model=Track, field_name="track", help_text="The proposal's track (id or slug).")
    proposer = RecordFilter(model=Actor, field_name="proposer", help_text="The proposer (id or slug).")
    actor = RecordFilter(
        model=Actor,
        method="filter_actor",
        help_text=ACTOR_HELP.format(roles="proposer, channel, responder, event actor"),
    )
    date_from = django_filters.DateFilter(method="filter_date_from", help_text="With an event on or after this date.")
    date_to = django_filters.DateFilter(method="filter_date_to", help_text="With an event on or before this date.")

    class Meta:
        model = Proposal
        fields = ("status", "track", "proposer", "actor")

    def filter_actor(self, queryset, name, value: Actor):
        responded = Response.objects.filter(actor=value, proposal=OuterRef("pk"))
        acted = ProposalEvent.objects.filter(actor=value, proposal=OuterRef("pk"))
        conveyed = Proposal.channel.through.objects.filter(actor=value, proposal=OuterRef("pk"))
        return queryset.filter(Q(proposer=value) | Exists(responded) | Exists(acted) | Exists(conveyed))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(Exists(ProposalEvent.objects.filter(proposal=OuterRef("pk"), occurred_on__gte=value)))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(Exists(ProposalEvent.objects.filter(proposal=OuterRef("pk"), occurred_on__lte=value)))

    def filter_search(self, queryset, name, value: str):
        terms = Term.objects.filter(search.condition(TERM_TEXT, value, queryset.db), proposal=OuterRef("pk"))
        return search.matches(queryset, PROPOSAL_TEXT, value, related=Q(Exists(terms)))


class ProposalEventFilter(django_filters.FilterSet):
    proposal = RecordFilter(model=Proposal, field_name="proposal", help_text="The proposal (id or slug).")
    kind = django_filters.MultipleChoiceFilter(choices=ProposalEvent.Kind.choices)
    actor = RecordFilter(model=Actor, field_name="actor", help_text="The actor (id or slug).")
    date_from, date_to = _dates("occurred_on", "Occurred")

    class Meta:
        model = ProposalEvent
        fields = ("proposal", "kind", "actor")


class ResponseFilter(django_filters.FilterSet):
    search = search_filter("the summary")
    proposal = RecordFilter(model=Proposal, field_name="proposal", help_text="The proposal (id or slug).")
    kind = django_filters.MultipleChoiceFilter(choices=Response.Kind.choices)
    actor = RecordFilter(model=Actor, field_name="actor", help_text="The actor (id or slug).")
    date_from, date_to = _dates("responded_on", "Responded")

    class Meta:
        model = Response
        fields = ("proposal", "kind", "actor")

    def filter_search(self, queryset, name, value: str):
        return search.matches(queryset, SUMMARY_TEXT, value)


class StickingPointFilter(django_filters.FilterSet):
    search = search_filter("the title, the description and the positions' summaries")
    status = django_filters.MultipleChoiceFilter(choices=StickingPoint.Status.choices, help_text="The derived status.")
    category = django_filters.MultipleChoiceFilter(choices=StickingPoint.Category.choices)
    track = RecordFilter(model=Track, field_name="track", help_text="The track (id or slug).")
    actor = RecordFilter(model=Actor, method="filter_actor", help_text="An actor with a position (id or slug).")
    date_from, date_to = _dates("status_since", "Status since")

    class Meta:
        model = StickingPoint
        fields = ("status", "category", "track", "actor")

    def filter_actor(self, queryset, name, value: Actor):
        return queryset.filter(Exists(Position.objects.filter(actor=value, sticking_point=OuterRef("pk"))))

    def filter_search(self, queryset, name, value: str):
        positions = Position.objects.filter(
            search.condition(SUMMARY_TEXT, value, queryset.db), sticking_point=OuterRef("pk")
        )
        return search.matches(queryset, STICKING_POINT_TEXT, value, related=Q(Exists(positions)))


class StatusChangeFilter(django_filters.FilterSet):
    sticking_point = RecordFilter(
        model=StickingPoint, field_name="sticking_point", help_text="The sticking point (id or slug)."
    )
    status = django_filters.MultipleChoiceFilter(choices=StickingPoint.Status.choices)
    date_from, date_to = _dates("changed_on", "Changed")

    class Meta:
        model = StickingPointStatus
        fields = ("sticking_point", "status")


class PositionFilter(django_filters.FilterSet):
    search = search_filter("the summary")
    sticking_point = RecordFilter(
        model=StickingPoint, field_name="sticking_point", help_text="The sticking point (id or slug)."
    )
    actor = RecordFilter(model=Actor, field_name="actor", help_text="The actor (id or slug).")
    stance = django_filters.MultipleChoiceFilter(choices=Position.Stance.choices)
    date_from, date_to = _dates("stated_on", "Stated")

    class Meta:
        model = Position
        fields = ("sticking_point", "actor", "stance")

    def filter_search(self, queryset, name, value: str):
        return search.matches(queryset, SUMMARY_TEXT, value)


class FigureFilter(django_filters.FilterSet):
    metric = django_filters.CharFilter(
        method="filter_metric", help_text="The metric key, e.g. hostages-remaining (one that some figure has)."
    )
    track = RecordFilter(model=Track, field_name="track", help_text="The track (id or slug).")
    actor = RecordFilter(model=Actor, field_name="claimed_by", help_text="The claimant (id or slug).")
    date_from, date_to = _dates("as_of", "As of")

    class Meta:
        model = Figure
        fields = ("metric", "track", "actor")

    def filter_metric(self, queryset, name, value: str):
        if not Figure.objects.filter(metric=value).exists():
            raise ValidationError({name: [f'No figure has the metric "{value}".']})
        return queryset.filter(metric=value)


class CitationFilter(django_filters.FilterSet):
    search = search_filter("the publisher, title and quote")
    record_type = django_filters.ChoiceFilter(
        choices=[(name, name) for name in sorted(CITABLE)], method="filter_record_type"
    )
    record_id = IdFilter(field_name="object_id", help_text="The cited record's id (with record_type).")
    article = RecordFilter(model=Article, by_slug=False, field_name="article", help_text="The cited article's id.")
    date_from, date_to = _dates("published_on", "Published")

    class Meta:
        model = Citation
        fields = ("record_type", "record_id", "article")

    def filter_queryset(self, queryset):
        """A `record_id` names a record of `record_type` (ids are per type): an id without its type, or one
        that names no such record, is a 400 like any unknown filter value."""
        record_id, record_type = self.form.cleaned_data.get("record_id"), self.form.cleaned_data.get("record_type")
        if record_id is not None:
            if not record_type:
                raise ValidationError({"record_id": ["Give record_type with record_id: ids are per type."]})
            model = CITABLE[record_type]
            if not model.objects.filter(pk=record_id).exists():
                raise ValidationError({"record_id": [f"No {model._meta.verbose_name} with id {record_id}."]})
        return super().filter_queryset(queryset)

    def filter_record_type(self, queryset, name, value: str):
        app_label, model = value.split(".")
        return queryset.filter(Q(content_type__app_label=app_label, content_type__model=model))

    def filter_search(self, queryset, name, value: str):
        return search.matches(queryset, CITATION_TEXT, value)
