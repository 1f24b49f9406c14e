"""factory_boy factories for every record, with realistic defaults from the Gaza talks."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
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
from news.models import Article, Feed, FeedPoll, Mention, Tombstone
from review.models import Suggestion


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.PERSON


class StateFactory(ActorFactory):
    kind = Actor.Kind.STATE


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    language = "en"


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalIdentifier

    actor = factory.SubFactory(ActorFactory)
    scheme = ExternalIdentifier.Scheme.WIKIDATA
    value = factory.Sequence(lambda n: f"Q{1000 + n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    actor = factory.SubFactory(ActorFactory)
    organisation = factory.SubFactory(StateFactory)
    title = factory.Sequence(lambda n: f"Minister {n}")
    start_date = datetime.date(2025, 1, 20)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")


class TrackActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackActor

    track = factory.SubFactory(TrackFactory)
    actor = factory.SubFactory(StateFactory)
    role = TrackActor.Role.PARTY


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    track = factory.SubFactory(TrackFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Phase {n + 1}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    format = Meeting.Format.BILATERAL
    starts_at = factory.Sequence(
        lambda n: datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
    )
    time_zone = "America/New_York"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    actor = factory.SubFactory(ActorFactory)
    role = Participant.Role.GUEST


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    slug = factory.Sequence(lambda n: f"proposal-{n}")
    proposer = factory.SubFactory(ActorFactory)


class ProposalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalEvent

    proposal = factory.SubFactory(ProposalFactory)
    kind = ProposalEvent.Kind.TABLED
    occurred_on = datetime.date(2025, 7, 1)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    proposal = factory.SubFactory(ProposalFactory)
    kind = Term.Kind.TRUCE_LENGTH
    key = factory.Sequence(lambda n: f"term-{n}")
    text = "A truce of sixty days."
    quantity = Decimal(60)
    unit = Term.Unit.DAYS


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    term = factory.SubFactory(TermFactory)
    delivered_on = datetime.date(2025, 8, 1)
    quantity = Decimal(5)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    proposal = factory.SubFactory(ProposalFactory)
    actor = factory.SubFactory(ActorFactory)
    kind = Response.Kind.CONDITIONAL
    responded_on = datetime.date(2025, 7, 4)


class StickingPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StickingPoint

    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Sticking point {n}")
    slug = factory.Sequence(lambda n: f"sticking-point-{n}")
    category = StickingPoint.Category.WITHDRAWAL


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StickingPointStatus

    sticking_point = factory.SubFactory(StickingPointFactory)
    status = StickingPoint.Status.OPEN
    changed_on = datetime.date(2025, 7, 6)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    sticking_point = factory.SubFactory(StickingPointFactory)
    actor = factory.SubFactory(ActorFactory)
    stated_on = datetime.date(2025, 7, 6)
    stance = Position.Stance.INSISTS
    summary = "Holds to its demand."


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    metric = "hostages-remaining"
    label = "Hostages remaining in Gaza"
    value = Decimal(49)
    as_of = datetime.date(2025, 7, 7)
    claimed_by = factory.SubFactory(StateFactory)


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/feed-{n}.xml")
    title = factory.Sequence(lambda n: f"Feed {n}")
    poll_interval = datetime.timedelta(minutes=30)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    feed = factory.SubFactory(FeedFactory)
    guid = factory.Sequence(lambda n: f"guid-{n}")
    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/news/{n}")
    canonical_url = factory.LazyAttribute(lambda a: a.url)
    title = factory.Sequence(lambda n: f"Truce talks continue, day {n}")
    published_at = factory.LazyFunction(timezone.now)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    record = factory.SubFactory(MeetingFactory)
    url = factory.Sequence(lambda n: f"https://seeds.invalid/{n}")
    publisher = "Al Jazeera"


class FeedPollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedPoll

    feed = factory.SubFactory(FeedFactory)
    started_at = factory.LazyFunction(timezone.now)
    duration = datetime.timedelta(milliseconds=120)
    outcome = FeedPoll.Outcome.OK
    http_status = 200


class TombstoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tombstone

    canonical_url = factory.Sequence(lambda n: f"http://127.0.0.1:9/rejected/{n}")
    reason = "Not about the negotiations."


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    article = factory.SubFactory(ArticleFactory)
    actor = factory.SubFactory(ActorFactory)
    start = factory.Sequence(lambda n: n * 10)
    end = factory.LazyAttribute(lambda m: m.start + 5)
    matched_text = "Hamas"


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    article = factory.SubFactory(ArticleFactory)
    record = factory.SubFactory(MeetingFactory)
    score = 0.5
    reasons = ["test"]
