"""The negotiation record: tracks, meetings, proposals, sticking points, figures and their sources."""

import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actors.models import Actor
from tracker.models import TimeStampedModel
from tracker.safe_values import validate_http_url


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Asia/Qatar, America/New_York).")


class Citation(TimeStampedModel):
    """A source for any record: an ingested article, an external URL, or a publication named by its title
    (an outlet's piece the tracker holds no link to), with the passage relied on."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    article = models.ForeignKey(
        "news.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="citations"
    )
    url = models.URLField(max_length=2000, blank=True, validators=[validate_http_url])
    publisher = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="The passage that supports the fact, in the source's words.")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # citations_for(record) and the citation inlines filter on this pair.
            models.Index(fields=["content_type", "object_id"], name="neg_citation_record_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | ~Q(url="") | ~Q(title=""), name="negotiations_citation_has_source"
            ),
        ]

    def __str__(self) -> str:
        return self.publisher or self.title or self.url or f"Article {self.article_id}"


class CitedModel(TimeStampedModel):
    citations = GenericRelation(Citation)

    class Meta:
        abstract = True


class Track(CitedModel):
    """One negotiation process between parties, with its mediators and guarantors."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CONCLUDED = "concluded", "Concluded"
        COLLAPSED = "collapsed", "Collapsed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    actors = models.ManyToManyField(Actor, through="TrackActor", related_name="tracks")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="negotiations_track_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("track", kwargs={"slug": self.slug})


class TrackActor(TimeStampedModel):
    class Role(models.TextChoices):
        PARTY = "party", "Party"
        MEDIATOR = "mediator", "Mediator"
        GUARANTOR = "guarantor", "Guarantor"
        OBSERVER = "observer", "Observer"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="track_actors")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="track_roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["track", "actor", "role"], name="negotiations_trackactor_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()}) in {self.track}"


class Phase(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "In progress"
        COMPLETED = "completed", "Completed"
        LAPSED = "lapsed", "Lapsed"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="phases")
    sequence = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    opening_conditions = models.TextField(blank=True, help_text="What must happen for the next phase to open.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["track", "sequence"], name="negotiations_phase_unique_sequence"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="negotiations_phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.name}"


class Meeting(CitedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    class Format(models.TextChoices):
        SUMMIT = "summit", "Summit"
        BILATERAL = "bilateral", "Bilateral meeting"
        MULTILATERAL = "multilateral", "Multilateral meeting"
        INDIRECT = "indirect", "Indirect (proximity) talks"
        PHONE_CALL = "phone_call", "Phone call"
        VIDEO_CALL = "video_call", "Video call"
        WORKING_DINNER = "working_dinner", "Working dinner"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300)
    tracks = models.ManyToManyField(Track, related_name="meetings", blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    format = models.CharField(max_length=16, choices=Format.choices)
    starts_at = models.DateTimeField(help_text="In the meeting's own time zone (below).")
    ends_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA zone of the venue, e.g. America/New_York.",
    )
    time_known = models.BooleanField(default=True, help_text="Untick when only the day is known.")
    location = models.CharField(max_length=300, blank=True, help_text="Venue and city.")
    country = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings_hosted",
        limit_choices_to={"kind": Actor.Kind.STATE},
    )
    closed_door = models.BooleanField(default=False)
    unannounced = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    participants = models.ManyToManyField(
        Actor, through="Participant", through_fields=("meeting", "actor"), related_name="meetings"
    )
    proposals = models.ManyToManyField("Proposal", related_name="meetings", blank=True)
    sticking_points = models.ManyToManyField("StickingPoint", related_name="meetings", blank=True)
    history = HistoricalRecords(m2m_fields=[tracks, proposals, sticking_points])

    class Meta:
        indexes = [
            models.Index(fields=["starts_at"], name="neg_meeting_start_idx"),
            models.Index(fields=["status", "starts_at"], name="neg_meeting_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="negotiations_meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "held", "postponed", "cancelled"]),
                name="negotiations_meeting_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("meeting", kwargs={"pk": self.pk})

    @property
    def duration(self):
        return self.ends_at - self.starts_at if self.ends_at else None


class Participant(TimeStampedModel):
    class Role(models.TextChoices):
        HOST = "host", "Host"
        GUEST = "guest", "Guest"
        DELEGATION_HEAD = "delegation_head", "Head of delegation"
        DELEGATE = "delegate", "Delegate"
        MEDIATOR = "mediator", "Mediator"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participant_rows")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=16, choices=Role.choices)
    representing = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_at",
        help_text="The state or group whose delegation this participant belonged to.",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "actor"], name="negotiations_participant_once_per_meeting"),
        ]
        indexes = [models.Index(fields=["actor", "meeting"], name="neg_participant_actor_idx")]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class Proposal(CitedModel):
    """A plan put forward by an actor; its status is derived from its dated event log."""

    class Relation(models.TextChoices):
        SUPERSEDES = "supersedes", "Supersedes"
        AMENDS = "amends", "Amends"
        COUNTERS = "counters", "Counter-proposal to"

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        TABLED = "tabled", "Tabled"
        UNDER_DISCUSSION = "under_discussion", "Under discussion"
        AMENDED = "amended", "Amended"
        ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", "Accepted in principle"
        REJECTED = "rejected", "Rejected"
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "In force"
        SUSPENDED = "suspended", "Suspended"
        SUPERSEDED = "superseded", "Superseded"

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    version_label = models.CharField(max_length=50, blank=True, help_text='e.g. "v2" or "Hamas counter".')
    proposer = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="proposals")
    channel = models.ManyToManyField(
        Actor, related_name="proposals_conveyed", blank=True, help_text="Mediators who conveyed it."
    )
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later_versions"
    )
    relation = models.CharField(max_length=16, choices=Relation.choices, blank=True)
    summary = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[channel])

    class Meta:
        # The API's default order (title, then id): a page is read off the index, not sorted.
        indexes = [models.Index(fields=["title", "id"], name="neg_proposal_title_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(previous_version=F("id")), name="negotiations_proposal_not_own_version"
            ),
            models.CheckConstraint(
                condition=Q(previous_version__isnull=True, relation="")
                | (Q(previous_version__isnull=False) & ~Q(relation="")),
                name="negotiations_proposal_relation_with_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version_label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("proposal", kwargs={"slug": self.slug})


class ProposalEvent(TimeStampedModel):
    """A dated step in a proposal's life; the latest one gives its status."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        TABLED = "tabled", "Tabled"
        RESPONDED = "responded", "Response received"
        AMENDED = "amended", "Amended"
        ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", "Accepted in principle"
        REJECTED = "rejected", "Rejected"
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "Entered into force"
        SUSPENDED = "suspended", "Suspended"
        VIOLATED = "violated", "Violation reported"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_on = models.DateField()
    actor = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal_events")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # proposal status subqueries: latest event per proposal (as of a date).
            models.Index(fields=["proposal", "occurred_on", "id"], name="neg_event_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


# How each event kind sets a proposal's status; "responded" means the
# proposal is under discussion until a later event says otherwise. A reported
# violation is an incident, not a change of status: a truce in force with
# violations is still in force (selectors count the violations beside it).
EVENT_STATUS = {
    ProposalEvent.Kind.DRAFTED: Proposal.Status.DRAFTED,
    ProposalEvent.Kind.TABLED: Proposal.Status.TABLED,
    ProposalEvent.Kind.RESPONDED: Proposal.Status.UNDER_DISCUSSION,
    ProposalEvent.Kind.AMENDED: Proposal.Status.AMENDED,
    ProposalEvent.Kind.ACCEPTED_IN_PRINCIPLE: Proposal.Status.ACCEPTED_IN_PRINCIPLE,
    ProposalEvent.Kind.REJECTED: Proposal.Status.REJECTED,
    ProposalEvent.Kind.SIGNED: Proposal.Status.SIGNED,
    ProposalEvent.Kind.IN_FORCE: Proposal.Status.IN_FORCE,
    ProposalEvent.Kind.SUSPENDED: Proposal.Status.SUSPENDED,
}


class Term(CitedModel):
    """A typed clause of a proposal, with a structured quantity where it has one."""

    class Kind(models.TextChoices):
        TRUCE_LENGTH = "truce_length", "Truce length"
        LIVING_HOSTAGES = "living_hostages", "Living hostages released"
        BODIES_RETURNED = "bodies_returned", "Bodies returned"
        PRISONERS_RELEASED = "prisoners_released", "Prisoners released"
        WITHDRAWAL_LINE = "withdrawal_line", "Withdrawal line"
        AID_CHANNEL = "aid_channel", "Aid channel"
        GUARANTEE = "guarantee", "Guarantee"
        FOLLOW_ON_TALKS = "follow_on_talks", "Follow-on negotiations"
        GOVERNANCE = "governance", "Governance"
        SECURITY_FORCE = "security_force", "Security force"
        DISARMAMENT = "disarmament", "Disarmament"
        OTHER = "other", "Other"

    class Unit(models.TextChoices):
        DAYS = "days", "days"
        PEOPLE = "people", "people"
        BODIES = "bodies", "bodies"
        TRUCKS_PER_DAY = "trucks_per_day", "trucks per day"
        KILOMETRES = "km", "km"
        PERCENT = "percent", "%"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    key = models.SlugField(
        max_length=100, help_text="Stable name of the clause, so versions can be compared term by term."
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(help_text="The clause, in the analyst's words.")
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=16, choices=Unit.choices, blank=True)
    quantity_is_open = models.BooleanField(default=False, help_text="The number is still to be agreed.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "key"], name="negotiations_term_unique_key"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="negotiations_term_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | ~Q(unit=""), name="negotiations_term_quantity_has_unit"
            ),
        ]

    def __str__(self) -> str:
        amount = f" {self.quantity.normalize():f} {self.unit}" if self.quantity is not None else ""
        return f"{self.get_kind_display()}{amount}"


class Delivery(CitedModel):
    """What was delivered against a term's planned quantity, on a date (planned versus delivered)."""

    class Assessment(models.TextChoices):
        NOT_INITIATED = "not_initiated", "Not initiated"
        MINIMAL = "minimal", "Minimal"
        INTERMEDIATE = "intermediate", "Intermediate"
        FULL = "full", "Full"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    assessment = models.CharField(max_length=16, choices=Assessment.choices, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="negotiations_delivery_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=False) | ~Q(assessment=""), name="negotiations_delivery_says_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivered_on}: {self.quantity if self.quantity is not None else self.assessment}"


class Response(CitedModel):
    """An actor's dated answer to a proposal."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accept"
        REJECT = "reject", "Reject"
        CONDITIONAL = "conditional", "Conditional acceptance"
        COUNTER = "counter", "Counter-proposal"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    responded_on = models.DateField()
    summary = models.TextField(blank=True)
    counter_proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers_to"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["proposal", "actor", "responded_on"], name="neg_response_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(counter_proposal__isnull=True) | ~Q(counter_proposal=F("proposal")),
                name="negotiations_response_counter_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.get_kind_display()} ({self.responded_on})"


class StickingPoint(CitedModel):
    class Category(models.TextChoices):
        WITHDRAWAL = "withdrawal", "Withdrawal and deployment"
        HUMANITARIAN = "humanitarian", "Aid and humanitarian access"
        GUARANTEES = "guarantees", "Guarantees"
        CAPTIVES = "captives", "Hostages and prisoners"
        GOVERNANCE = "governance", "Post-war governance"
        DISARMAMENT = "disarmament", "Disarmament"
        SECURITY = "security", "Security arrangements"
        DISPLACEMENT = "displacement", "Displacement and return"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NARROWING = "narrowing", "Narrowing"
        RESOLVED = "resolved", "Resolved"
        DEADLOCKED = "deadlocked", "Deadlocked"

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="sticking_points")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sticking-point", kwargs={"slug": self.slug})


class StickingPointStatus(TimeStampedModel):
    """A dated change in a sticking point's status; the latest one up to a date is its status then."""

    sticking_point = models.ForeignKey(StickingPoint, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=StickingPoint.Status.choices)
    changed_on = models.DateField()
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "status change"
        indexes = [
            # sticking point status subqueries: latest change per point (as of a date).
            models.Index(fields=["sticking_point", "changed_on", "id"], name="neg_spstatus_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} since {self.changed_on}"


class Position(CitedModel):
    """What an actor holds on a sticking point, as stated on a date, through a channel."""

    class Stance(models.TextChoices):
        INSISTS = "insists", "Insists / demands"
        REJECTS = "rejects", "Rejects"
        OPEN_TO_COMPROMISE = "open_to_compromise", "Open to compromise"
        ACCEPTS = "accepts", "Accepts"
        PROPOSES = "proposes", "Proposes a formula"

    class Channel(models.TextChoices):
        ON_RECORD = "on_record", "On the record"
        VIA_MEDIATOR = "via_mediator", "Via a mediator"
        LEAKED = "leaked", "Leaked"
        ANONYMOUS_OFFICIAL = "anonymous_official", "Anonymous official"

    class Confidence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    sticking_point = models.ForeignKey(StickingPoint, on_delete=models.CASCADE, related_name="positions")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="positions")
    stated_on = models.DateField()
    stance = models.CharField(max_length=32, choices=Stance.choices)
    summary = models.TextField(help_text="What the actor holds, in the analyst's words.")
    channel = models.CharField(max_length=32, choices=Channel.choices, default=Channel.ON_RECORD)
    confidence = models.CharField(max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # Latest position per (sticking point, actor) as of a date.
            models.Index(fields=["sticking_point", "actor", "stated_on", "id"], name="neg_position_latest_idx"),
            models.Index(fields=["actor", "stated_on"], name="neg_position_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} on {self.sticking_point} ({self.stated_on})"


class Figure(CitedModel):
    """A quantity someone claimed; conflicting claims stand side by side. A claim is a number (`value`) or,
    as given, a range: "80–90%" is low 80 and high 90, "more than 57,500" low 57,500 with no high."""

    metric = models.SlugField(max_length=100, help_text='What is counted, as a stable key: "hostages-remaining".')
    label = models.CharField(max_length=300, help_text="What is counted, in words.")
    value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="The number, when one was given."
    )
    value_low = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="A range's low end (or a lower bound)."
    )
    value_high = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="A range's high end (or an upper bound)."
    )
    unit = models.CharField(max_length=50, default="people")
    as_of = models.DateField()
    claimed_by = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="figures_claimed"
    )
    claimant_name = models.CharField(
        max_length=200, blank=True, help_text="The claimant as the source names it, when no actor matches yet."
    )
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="figures")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["metric", "as_of"], name="neg_figure_metric_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=False) | ~Q(claimant_name=""), name="negotiations_figure_has_claimant"
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(value_low__isnull=True) & Q(value_high__isnull=True))
                | (Q(value__isnull=True) & (Q(value_low__isnull=False) | Q(value_high__isnull=False))),
                name="negotiations_figure_number_or_range",
                violation_error_message="Give a number (value) or a range (value_low, value_high), not both.",
            ),
            models.CheckConstraint(
                condition=Q(value_low__isnull=True) | Q(value_high__isnull=True) | Q(value_high__gte=F("value_low")),
                name="negotiations_figure_range_ordered",
                violation_error_message="The range's high end is below its low end.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount} {self.unit} (as of {self.as_of})"

    @property
    def amount(self) -> str:
        """The claim as given: "251", "80–90", "57500 or more", "up to 10"."""

        def number(value) -> str:
            return f"{value.normalize():f}"

        if self.value is not None:
            return number(self.value)
        if self.value_low is not None and self.value_high is not None:
            return f"{number(self.value_low)}–{number(self.value_high)}"
        if self.value_low is not None:
            return f"{number(self.value_low)} or more"
        return f"up to {number(self.value_high)}" if self.value_high is not None else ""


class CalendarFeed(TimeStampedModel):
    """A user's secret calendar address: calendar apps subscribe to it without an Authorization header,
    so the key in the URL is the credential. Revoking deletes the row; a new key replaces the old one.

    The key is kept as issued (not hashed) so the user's page and the API can show the address again;
    it grants only what the user may read of meetings, and only while the user is active."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Calendar of {self.user}"
