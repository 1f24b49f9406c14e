"""The two implementations our API is measured against, over the same models and the same JSON.

(a) `/bench/drf/…`: what a typical project ships. ModelViewSets over `Model.objects.order_by(…)`
    with nested ModelSerializers (`many=True` for the nested lists), DRF's PageNumberPagination (50 a
    page, with a count), SearchFilter (icontains over title and text) for articles, the derived statuses
    as SerializerMethodFields that ask the database (latest event, superseded, violations), and no
    select_related or prefetch_related at all. It inherits the project's REST_FRAMEWORK defaults
    (knox token authentication, role permissions, the JSON renderer), so authentication costs the same
    as ours. Nested lists come in whatever order the database gives (no model declares an ordering), so
    its answers equal ours up to the order of nested lists.

(b) `/bench/floor/…`: the least a server can do to answer the same bytes. Plain Django views (no DRF),
    outside a transaction, with no authentication or permission check, that run two hand-written SQL
    queries on the psycopg2 connection and return `orjson.dumps(…)`: the count, then the page in one
    statement (a CTE picks the page's ids in the list's order through the index that order can use, then
    one row per record, each nested list built by PostgreSQL as JSON in a correlated subquery and passed
    through as `orjson.Fragment`). A detail is one query. The article search borrows only its WHERE clause
    and rank expression from the product (review.api.filters.ArticleFilter, compiled once per search term
    and cached), so it matches and ranks exactly as ours does; the cap, the order and the page are by hand.
    Its answers equal ours (same fields, nesting, order, page size, count and links; load.py checks).
"""

import functools
import math
from zoneinfo import ZoneInfo

import orjson
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from rest_framework import filters, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import SimpleRouter
from rest_framework.utils.urls import remove_query_param, replace_query_param

from actors.models import Actor
from negotiations.models import (
    EVENT_STATUS,
    Citation,
    Delivery,
    Meeting,
    Participant,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    Term,
    Track,
)
from news.models import Article, Feed, Mention
from review.models import Suggestion

# --- (a) A plain DRF API ------------------------------------------------------------------------------


class NaivePagination(PageNumberPagination):
    page_size = 50


class ActorBrief(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ("id", "slug", "name", "kind")


class TrackBrief(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ("id", "slug", "name")


class ProposalRef(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = ("id", "slug", "title", "version_label")


def naive_latest_event(proposal: Proposal) -> ProposalEvent | None:
    return proposal.events.filter(kind__in=list(EVENT_STATUS)).order_by("-occurred_on", "-id").first()


def naive_status(proposal: Proposal) -> str:
    """The derived status as a model method would compute it: a query or two per proposal."""
    superseded = proposal.later_versions.filter(relation=Proposal.Relation.SUPERSEDES, events__isnull=False)
    if superseded.exists():
        return Proposal.Status.SUPERSEDED
    latest = naive_latest_event(proposal)
    return EVENT_STATUS[latest.kind] if latest is not None else Proposal.Status.DRAFTED


class ProposalBrief(ProposalRef):
    status = serializers.SerializerMethodField()

    class Meta(ProposalRef.Meta):
        fields = (*ProposalRef.Meta.fields, "status")

    def get_status(self, proposal) -> str:
        return naive_status(proposal)


class StickingPointBrief(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = StickingPoint
        fields = ("id", "slug", "title", "category", "status")

    def get_status(self, point) -> str | None:
        latest = point.status_changes.order_by("-changed_on", "-id").first()
        return latest.status if latest is not None else None


class CitationBrief(serializers.ModelSerializer):
    class Meta:
        model = Citation
        fields = ("id", "article", "url", "publisher", "title", "published_on", "quote", "note")


class ParticipantNaive(serializers.ModelSerializer):
    actor = ActorBrief()
    representing = ActorBrief(allow_null=True)

    class Meta:
        model = Participant
        fields = ("actor", "role", "representing")


class MeetingNaive(serializers.ModelSerializer):
    country = ActorBrief(allow_null=True)
    tracks = TrackBrief(many=True)
    participants = ParticipantNaive(many=True, source="participant_rows")
    proposals = ProposalBrief(many=True)
    sticking_points = StickingPointBrief(many=True)
    citations = CitationBrief(many=True)
    starts_at_local = serializers.SerializerMethodField()
    ends_at_local = serializers.SerializerMethodField()
    duration_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = (
            "id",
            "title",
            "status",
            "format",
            "starts_at",
            "ends_at",
            "time_zone",
            "starts_at_local",
            "ends_at_local",
            "time_known",
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

    def get_starts_at_local(self, meeting) -> str:
        return meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)).isoformat()

    def get_ends_at_local(self, meeting) -> str | None:
        return meeting.ends_at.astimezone(ZoneInfo(meeting.time_zone)).isoformat() if meeting.ends_at else None

    def get_duration_minutes(self, meeting) -> int | None:
        return int(meeting.duration.total_seconds() // 60) if meeting.duration is not None else None


class EventNaive(serializers.ModelSerializer):
    actor = ActorBrief(allow_null=True)

    class Meta:
        model = ProposalEvent
        fields = ("id", "kind", "occurred_on", "actor", "note")


class DeliveryNaive(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ("id", "delivered_on", "quantity", "assessment", "note")


class TermNaive(serializers.ModelSerializer):
    deliveries = DeliveryNaive(many=True)

    class Meta:
        model = Term
        fields = ("id", "key", "kind", "position", "text", "quantity", "unit", "quantity_is_open", "deliveries")


class ResponseNaive(serializers.ModelSerializer):
    actor = ActorBrief()
    counter_proposal = ProposalRef(allow_null=True)

    class Meta:
        model = Response
        fields = ("id", "actor", "kind", "responded_on", "summary", "counter_proposal")


class ProposalNaive(serializers.ModelSerializer):
    track = TrackBrief()
    proposer = ActorBrief()
    channel = ActorBrief(many=True)
    previous_version = ProposalRef(allow_null=True)
    status = serializers.SerializerMethodField()
    status_since = serializers.SerializerMethodField()
    violations = serializers.SerializerMethodField()
    events = EventNaive(many=True)
    terms = TermNaive(many=True)
    responses = ResponseNaive(many=True)
    citations = CitationBrief(many=True)

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

    def get_status(self, proposal) -> str:
        return naive_status(proposal)

    def get_status_since(self, proposal):
        latest = naive_latest_event(proposal)
        return serializers.DateField().to_representation(latest.occurred_on) if latest is not None else None

    def get_violations(self, proposal) -> int:
        return proposal.events.filter(kind=ProposalEvent.Kind.VIOLATED).count()


class FeedBrief(serializers.ModelSerializer):
    class Meta:
        model = Feed
        fields = ("id", "title", "url")


class MentionNaive(serializers.ModelSerializer):
    actor = ActorBrief()

    class Meta:
        model = Mention
        fields = ("actor", "alias", "matched_text", "start", "end")


class SuggestionNaive(serializers.ModelSerializer):
    record_type = serializers.SerializerMethodField()
    record_id = serializers.IntegerField(source="object_id")
    record_label = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ("id", "record_type", "record_id", "record_label", "score", "reasons")

    def get_record_type(self, suggestion) -> str:
        return f"{suggestion.content_type.app_label}.{suggestion.content_type.model}"

    def get_record_label(self, suggestion) -> str | None:
        return str(suggestion.record) if suggestion.record is not None else None


class ArticleNaive(serializers.ModelSerializer):
    feed = FeedBrief(allow_null=True)
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, default=None)
    duplicates = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    mentions = MentionNaive(many=True)
    suggestions = SuggestionNaive(many=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "feed",
            "url",
            "canonical_url",
            "title",
            "publisher",
            "author",
            "published_at",
            "language",
            "summary",
            "relevance",
            "processing_state",
            "review_state",
            "reviewer",
            "reviewed_at",
            "review_note",
            "duplicate_of",
            "story",
            "duplicates",
            "revision",
            "mentions",
            "suggestions",
            "created_at",
            "updated_at",
        )


class ArticleDetailNaive(ArticleNaive):
    class Meta(ArticleNaive.Meta):
        fields = (*ArticleNaive.Meta.fields, "text")


class NaiveViewSet(viewsets.ModelViewSet):
    pagination_class = NaivePagination
    filter_backends: list = []


class NaiveMeetings(NaiveViewSet):
    queryset = Meeting.objects.order_by("-starts_at", "id")
    serializer_class = MeetingNaive


class NaiveProposals(NaiveViewSet):
    queryset = Proposal.objects.order_by("title", "id")
    serializer_class = ProposalNaive


class NaiveArticles(NaiveViewSet):
    queryset = Article.objects.order_by("-published_at", "id")
    filter_backends = [filters.SearchFilter]
    search_fields = ["title", "text"]

    def get_serializer_class(self):
        return ArticleNaive if self.action == "list" else ArticleDetailNaive


drf_router = SimpleRouter()
drf_router.register("meetings", NaiveMeetings, basename="bench-drf-meeting")
drf_router.register("proposals", NaiveProposals, basename="bench-drf-proposal")
drf_router.register("articles", NaiveArticles, basename="bench-drf-article")


# --- (b) The floor: hand-written SQL and orjson --------------------------------------------------------
#
# Every fragment below is a constant of this module (table and column names, the status mapping from
# negotiations.models); request values only ever travel as query parameters.
# ruff: noqa: S608

_STATUS_KINDS = ", ".join(f"'{kind}'" for kind in EVENT_STATUS)
_STATUS_CASE = " ".join(f"WHEN '{kind}' THEN '{status}'" for kind, status in EVENT_STATUS.items())


def _actor(a: str) -> str:
    return f"json_build_object('id', {a}.id, 'slug', {a}.slug, 'name', {a}.name, 'kind', {a}.kind)"


def _actor_or_null(a: str) -> str:
    return f"CASE WHEN {a}.id IS NULL THEN NULL ELSE {_actor(a)} END"


def _proposal_ref(p: str) -> str:
    return f"json_build_object('id', {p}.id, 'slug', {p}.slug, 'title', {p}.title, 'version_label', {p}.version_label)"


def _latest_event(p: str, column: str) -> str:
    """The latest status-giving event's column, as negotiations.selectors.proposals_with_status reads it."""
    return (
        f"(SELECT e.{column} FROM negotiations_proposalevent e WHERE e.proposal_id = {p}.id "
        f"AND e.kind IN ({_STATUS_KINDS}) ORDER BY e.occurred_on DESC, e.id DESC LIMIT 1)"
    )


def _status(p: str) -> str:
    """A proposal's derived status: superseded (a later superseding version with events), else from its
    latest event, else drafted."""
    superseded = (
        f"EXISTS (SELECT 1 FROM negotiations_proposal n WHERE n.previous_version_id = {p}.id "
        "AND n.relation = 'supersedes' AND EXISTS "
        "(SELECT 1 FROM negotiations_proposalevent ne WHERE ne.proposal_id = n.id))"
    )
    latest = _latest_event(p, "kind")
    return f"CASE WHEN {superseded} THEN 'superseded' ELSE CASE {latest} {_STATUS_CASE} ELSE 'drafted' END END"


def _agg(item: str, source: str, order: str) -> str:
    """A JSON array (never null) of `item` over the rows of `source`, in `order`."""
    return f"(SELECT coalesce(json_agg({item} ORDER BY {order}), '[]') FROM {source})"


def _citations(alias: str, content_type: int) -> str:
    item = (
        "json_build_object('id', c.id, 'article', c.article_id, 'url', c.url, 'publisher', c.publisher, "
        "'title', c.title, 'published_on', c.published_on, 'quote', c.quote, 'note', c.note)"
    )
    source = f"negotiations_citation c WHERE c.content_type_id = {content_type} AND c.object_id = {alias}.id"
    return _agg(item, source, "c.id")


@functools.cache
def _content_types() -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType

    models = (Meeting, Proposal, StickingPoint)
    return {model._meta.model_name: ContentType.objects.get_for_model(model).id for model in models}


@functools.cache
def _meeting_sql() -> str:
    tracks = _agg(
        "json_build_object('id', t.id, 'slug', t.slug, 'name', t.name)",
        "negotiations_meeting_tracks mt JOIN negotiations_track t ON t.id = mt.track_id WHERE mt.meeting_id = m.id",
        "t.name, t.id",
    )
    participants = _agg(
        f"json_build_object('actor', {_actor('a')}, 'role', pa.role, 'representing', {_actor_or_null('r')})",
        "negotiations_participant pa JOIN actors_actor a ON a.id = pa.actor_id "
        "LEFT JOIN actors_actor r ON r.id = pa.representing_id WHERE pa.meeting_id = m.id",
        "pa.id",
    )
    proposals = _agg(
        f"json_build_object('id', p.id, 'slug', p.slug, 'title', p.title, 'version_label', p.version_label, "
        f"'status', {_status('p')})",
        "negotiations_meeting_proposals mp JOIN negotiations_proposal p ON p.id = mp.proposal_id "
        "WHERE mp.meeting_id = m.id",
        "p.title, p.id",
    )
    point_status = (
        "(SELECT s.status FROM negotiations_stickingpointstatus s WHERE s.sticking_point_id = sp.id "
        "ORDER BY s.changed_on DESC, s.id DESC LIMIT 1)"
    )
    points = _agg(
        "json_build_object('id', sp.id, 'slug', sp.slug, 'title', sp.title, 'category', sp.category, "
        f"'status', {point_status})",
        "negotiations_meeting_sticking_points ms JOIN negotiations_stickingpoint sp ON sp.id = ms.stickingpoint_id "
        "WHERE ms.meeting_id = m.id",
        "sp.title, sp.id",
    )
    citations = _citations("m", _content_types()["meeting"])
    return (
        "SELECT m.id, m.title, m.status, m.format, m.starts_at, m.ends_at, m.time_zone, m.time_known, m.location, "
        "m.closed_door, m.unannounced, m.summary, m.outcome, m.created_at, m.updated_at, "
        f"CASE WHEN co.id IS NULL THEN NULL ELSE {_actor('co')}::text END, "
        f"{tracks}::text, {participants}::text, {proposals}::text, {points}::text, {citations}::text "
        "FROM negotiations_meeting m LEFT JOIN actors_actor co ON co.id = m.country_id"
    )


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _meeting(row) -> dict:
    (pk, title, status, kind, starts, ends, zone, known, location, closed, unannounced, summary, outcome, created,
     updated, country, tracks, participants, proposals, points, citations) = row  # fmt: skip
    tz = _zone(zone)
    return {
        "id": pk,
        "title": title,
        "status": status,
        "format": kind,
        "starts_at": starts,
        "ends_at": ends,
        "time_zone": zone,
        "starts_at_local": starts.astimezone(tz).isoformat(),
        "ends_at_local": ends.astimezone(tz).isoformat() if ends is not None else None,
        "time_known": known,
        "duration_minutes": int((ends - starts).total_seconds() // 60) if ends is not None else None,
        "location": location,
        "country": orjson.Fragment(country) if country is not None else None,
        "closed_door": closed,
        "unannounced": unannounced,
        "summary": summary,
        "outcome": outcome,
        "tracks": orjson.Fragment(tracks),
        "participants": orjson.Fragment(participants),
        "proposals": orjson.Fragment(proposals),
        "sticking_points": orjson.Fragment(points),
        "citations": orjson.Fragment(citations),
        "created_at": created,
        "updated_at": updated,
    }


@functools.cache
def _proposal_sql() -> str:
    channel = _agg(
        _actor("ch"),
        "negotiations_proposal_channel pc JOIN actors_actor ch ON ch.id = pc.actor_id WHERE pc.proposal_id = p.id",
        "ch.name, ch.id",
    )
    events = _agg(
        "json_build_object('id', ev.id, 'kind', ev.kind, 'occurred_on', ev.occurred_on, "
        f"'actor', {_actor_or_null('ea')}, 'note', ev.note)",
        "negotiations_proposalevent ev LEFT JOIN actors_actor ea ON ea.id = ev.actor_id WHERE ev.proposal_id = p.id",
        "ev.occurred_on, ev.id",
    )
    deliveries = _agg(
        "json_build_object('id', d.id, 'delivered_on', d.delivered_on, 'quantity', d.quantity, "
        "'assessment', d.assessment, 'note', d.note)",
        "negotiations_delivery d WHERE d.term_id = tm.id",
        "d.id",
    )
    terms = _agg(
        "json_build_object('id', tm.id, 'key', tm.key, 'kind', tm.kind, 'position', tm.position, 'text', tm.text, "
        "'quantity', tm.quantity, 'unit', tm.unit, 'quantity_is_open', tm.quantity_is_open, "
        f"'deliveries', {deliveries})",
        "negotiations_term tm WHERE tm.proposal_id = p.id",
        "tm.position, tm.id",
    )
    responses = _agg(
        f"json_build_object('id', rs.id, 'actor', {_actor('ra')}, 'kind', rs.kind, 'responded_on', rs.responded_on, "
        f"'summary', rs.summary, 'counter_proposal', CASE WHEN cp.id IS NULL THEN NULL ELSE {_proposal_ref('cp')} END)",
        "negotiations_response rs JOIN actors_actor ra ON ra.id = rs.actor_id "
        "LEFT JOIN negotiations_proposal cp ON cp.id = rs.counter_proposal_id WHERE rs.proposal_id = p.id",
        "rs.responded_on, rs.id",
    )
    violations = (
        "(SELECT count(*) FROM negotiations_proposalevent v WHERE v.proposal_id = p.id AND v.kind = 'violated')"
    )
    citations = _citations("p", _content_types()["proposal"])
    return (
        "SELECT p.id, p.slug, p.title, p.version_label, "
        "json_build_object('id', t.id, 'slug', t.slug, 'name', t.name)::text, "
        f"{_actor('pr')}::text, {channel}::text, "
        f"CASE WHEN pv.id IS NULL THEN NULL ELSE {_proposal_ref('pv')}::text END, "
        f"p.relation, p.summary, {_status('p')}, {_latest_event('p', 'occurred_on')}, {violations}, "
        f"{events}::text, {terms}::text, {responses}::text, {citations}::text, p.created_at, p.updated_at "
        "FROM negotiations_proposal p JOIN negotiations_track t ON t.id = p.track_id "
        "JOIN actors_actor pr ON pr.id = p.proposer_id "
        "LEFT JOIN negotiations_proposal pv ON pv.id = p.previous_version_id"
    )


def _proposal(row) -> dict:
    (pk, slug, title, label, track, proposer, channel, previous, relation, summary, status, since, violations,
     events, terms, responses, citations, created, updated) = row  # fmt: skip
    return {
        "id": pk,
        "slug": slug,
        "title": title,
        "version_label": label,
        "track": orjson.Fragment(track),
        "proposer": orjson.Fragment(proposer),
        "channel": orjson.Fragment(channel),
        "previous_version": orjson.Fragment(previous) if previous is not None else None,
        "relation": relation,
        "summary": summary,
        "status": status,
        "status_since": since,
        "violations": violations,
        "events": orjson.Fragment(events),
        "terms": orjson.Fragment(terms),
        "responses": orjson.Fragment(responses),
        "citations": orjson.Fragment(citations),
        "created_at": created,
        "updated_at": updated,
    }


@functools.cache
def _article_sql(with_text: bool) -> str:
    types = _content_types()
    duplicates = _agg("d.id", "news_article d WHERE d.duplicate_of_id = news_article.id", "d.id")
    mentions = _agg(
        f"json_build_object('actor', {_actor('ma')}, 'alias', mn.alias_id, 'matched_text', mn.matched_text, "
        "'start', mn.start, 'end', mn.end)",
        "news_mention mn JOIN actors_actor ma ON ma.id = mn.actor_id WHERE mn.article_id = news_article.id",
        "mn.start, mn.id",
    )
    label = (  # str() of the suggested record, as each model's __str__ writes it
        "CASE s.content_type_id "
        f"WHEN {types['meeting']} THEN (SELECT mm.title || ' (' || to_char(mm.starts_at AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD') || ')' FROM negotiations_meeting mm WHERE mm.id = s.object_id) "
        f"WHEN {types['proposal']} THEN (SELECT btrim(pp.title || ' ' || pp.version_label) "
        "FROM negotiations_proposal pp WHERE pp.id = s.object_id) "
        f"WHEN {types['stickingpoint']} THEN (SELECT x.title FROM negotiations_stickingpoint x "
        "WHERE x.id = s.object_id) END"
    )
    suggestions = _agg(
        "json_build_object('id', s.id, 'record_type', ct.app_label || '.' || ct.model, 'record_id', s.object_id, "
        f"'record_label', {label}, 'score', s.score, 'reasons', s.reasons)",
        "news_suggestion s JOIN django_content_type ct ON ct.id = s.content_type_id "
        "WHERE s.article_id = news_article.id",
        "s.score DESC, s.id",
    )
    a = "news_article"  # unaliased, so that the product's search condition applies as compiled
    return (
        f"SELECT {a}.id, CASE WHEN f.id IS NULL THEN NULL ELSE "
        "json_build_object('id', f.id, 'title', f.title, 'url', f.url)::text END, "
        f"{a}.url, {a}.canonical_url, {a}.title, {a}.publisher, {a}.author, {a}.published_at, {a}.language, "
        f"{a}.summary, {a}.relevance, {a}.processing_state, {a}.review_state, u.username, {a}.reviewed_at, "
        f"{a}.review_note, {a}.duplicate_of_id, {a}.story_id, {duplicates}::text, {a}.revision, "
        f"{mentions}::text, {suggestions}::text, {a}.created_at, {a}.updated_at"
        + (f", {a}.text" if with_text else "")
        + f" FROM {a} LEFT JOIN news_feed f ON f.id = {a}.feed_id LEFT JOIN auth_user u ON u.id = {a}.reviewer_id"
    )


def _article(row) -> dict:
    (pk, feed, url, canonical, title, publisher, author, published, language, summary, relevance, processing,
     review, reviewer, reviewed, note, duplicate_of, story, duplicates, revision, mentions, suggestions, created,
     updated, *text) = row  # fmt: skip
    article = {
        "id": pk,
        "feed": orjson.Fragment(feed) if feed is not None else None,
        "url": url,
        "canonical_url": canonical,
        "title": title,
        "publisher": publisher,
        "author": author,
        "published_at": published,
        "language": language,
        "summary": summary,
        "relevance": relevance,
        "processing_state": processing,
        "review_state": review,
        "reviewer": reviewer,
        "reviewed_at": reviewed,
        "review_note": note,
        "duplicate_of": duplicate_of,
        "story": story,
        "duplicates": orjson.Fragment(duplicates),
        "revision": revision,
        "mentions": orjson.Fragment(mentions),
        "suggestions": orjson.Fragment(suggestions),
        "created_at": created,
        "updated_at": updated,
    }
    if text:
        article["text"] = text[0]
    return article


@functools.lru_cache(maxsize=1024)
def search_condition(term: str) -> tuple[str, tuple, str, tuple]:
    """The WHERE clause (over news_article) that the product's `?search=` filter compiles to, by term, and
    its rank expression (tracker/search.py)."""
    from review.api.filters import ArticleFilter
    from tracker.search import RANK

    query = ArticleFilter(data={"search": term}, queryset=Article.objects.all()).qs.query
    if not query.where:
        return "", (), "", ()
    compiler = query.get_compiler(using="default")
    sql, params = compiler.compile(query.where)
    rank, rank_params = compiler.compile(query.annotations[RANK])
    return sql, tuple(params), rank, tuple(rank_params)


# Page ids in the list's order, with the index the order can use. Ours orders by `-starts_at` (NULLS LAST,
# then id); starts_at is NOT NULL, so `starts_at DESC, id` is the same order and reads the index backwards.
# published_at may be NULL: the dated rows come first (index, backwards), then the undated ones by id;
# a search sorts its matches instead.


def _meeting_ids(where: str, params: tuple, limit: int, offset: int) -> tuple[str, tuple]:
    condition = f" WHERE {where}" if where else ""
    sql = f"SELECT m.id FROM negotiations_meeting m{condition} ORDER BY m.starts_at DESC, m.id LIMIT %s OFFSET %s"
    return sql, (*params, limit, offset)


def _proposal_ids(where: str, params: tuple, limit: int, offset: int) -> tuple[str, tuple]:
    condition = f" WHERE {where}" if where else ""
    sql = f"SELECT p.id FROM negotiations_proposal p{condition} ORDER BY p.title, p.id LIMIT %s OFFSET %s"
    return sql, (*params, limit, offset)


def _article_ids(where: str, params: tuple, limit: int, offset: int) -> tuple[str, tuple]:
    a = "news_article"
    if where:
        # A search: its matches come from the full-text index, then sorted. (The published_at index read
        # backwards with the text condition as a filter is a trap for rare terms: it computes the text's
        # vector row after row, across the whole table, until it has found a page.)
        sql = (
            f"SELECT {a}.id FROM {a} WHERE {where} ORDER BY {a}.published_at DESC NULLS LAST, {a}.id LIMIT %s OFFSET %s"
        )
        return sql, (*params, limit, offset)
    also = ""
    sql = (
        f"(SELECT {a}.id, {a}.published_at FROM {a} WHERE {a}.published_at IS NOT NULL{also} "
        f"ORDER BY {a}.published_at DESC, {a}.id LIMIT %s) UNION ALL "
        f"(SELECT {a}.id, {a}.published_at FROM {a} WHERE {a}.published_at IS NULL{also} ORDER BY {a}.id LIMIT %s) "
        "ORDER BY 2 DESC NULLS LAST, 1 LIMIT %s OFFSET %s"
    )
    return sql, (*params, limit + offset, *params, limit + offset, limit, offset)


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data, option=orjson.OPT_UTC_Z), content_type="application/json", status=status)


def _not_found(detail: str = "No record matches the given query.") -> HttpResponse:
    return _json({"detail": detail}, status=404)


def _page_numbers(request) -> tuple[int, int] | None:
    try:
        page = int(request.GET.get("page", "1"))
        size = min(int(request.GET.get("page_size", "50")), 500)
    except ValueError:
        return None
    return (page, size) if page >= 1 and size >= 1 else None


def _page(request, *, table: str, key: str, ids, select: str, order: str, where="", params=(), shape):
    """A page: the count, then one query for the page (its ids by the order's index, then the rows)."""
    numbers = _page_numbers(request)
    if numbers is None:
        return _not_found("Invalid page.")
    page, size = numbers
    condition = f" WHERE {where}" if where else ""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}{condition}", params)
        count = cursor.fetchone()[0]
        if page > max(1, math.ceil(count / size)):
            return _not_found("Invalid page.")
        ids_sql, ids_params = ids(where, params, size, (page - 1) * size)
        cursor.execute(
            f"WITH page AS ({ids_sql}) {select} WHERE {key} IN (SELECT id FROM page) ORDER BY {order}", ids_params
        )
        rows = cursor.fetchall()
    return _answer(request, page, size, count, False, [shape(row) for row in rows])


def _answer(request, page: int, size: int, count: int, capped: bool, results: list) -> HttpResponse:
    url = request.build_absolute_uri()
    if page == 1:
        previous = None
    else:
        previous = remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)
    last = (page - 1) * size + len(results) >= count
    return _json(
        {
            "count": count,
            "count_is_capped": capped,
            "next": None if last else replace_query_param(url, "page", page + 1),
            "previous": previous,
            "results": results,
        }
    )


def _search_page(request, term: str) -> HttpResponse:
    """An article search as the product answers it (tracker/search.py): the 1,000 most recent matches with
    their ranks in one query, best first (a stable sort keeps recency among equals), then the page's rows."""
    numbers = _page_numbers(request)
    if numbers is None:
        return _not_found("Invalid page.")
    page, size = numbers
    where, params, rank, rank_params = search_condition(term)
    a = "news_article"
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {a}.id, {rank} FROM {a} WHERE {where} ORDER BY {a}.published_at DESC NULLS LAST, {a}.id "
            "LIMIT 1000",
            (*rank_params, *params),
        )
        ranked = sorted(cursor.fetchall(), key=lambda row: -row[1])
        count = len(ranked)
        if page > max(1, math.ceil(count / size)):
            return _not_found("Invalid page.")
        ids = [pk for pk, _ in ranked[(page - 1) * size : page * size]]
        cursor.execute(f"{_article_sql(False)} WHERE {a}.id = ANY(%s)", (ids,))
        rows = {row[0]: row for row in cursor.fetchall()}
    return _answer(request, page, size, count, count >= 1000, [_article(rows[pk]) for pk in ids])


def _one(*, select: str, key: str, pk: int, shape) -> HttpResponse:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE {key} = %s", (pk,))
        row = cursor.fetchone()
    return _json(shape(row)) if row is not None else _not_found()


@transaction.non_atomic_requests
def floor_meetings(request):
    return _page(
        request,
        table="negotiations_meeting m",
        key="m.id",
        ids=_meeting_ids,
        select=_meeting_sql(),
        order="m.starts_at DESC, m.id",
        shape=_meeting,
    )


@transaction.non_atomic_requests
def floor_meeting(request, pk: int):
    return _one(select=_meeting_sql(), key="m.id", pk=pk, shape=_meeting)


@transaction.non_atomic_requests
def floor_proposals(request):
    return _page(
        request,
        table="negotiations_proposal p",
        key="p.id",
        ids=_proposal_ids,
        select=_proposal_sql(),
        order="p.title, p.id",
        shape=_proposal,
    )


@transaction.non_atomic_requests
def floor_proposal(request, pk: int):
    return _one(select=_proposal_sql(), key="p.id", pk=pk, shape=_proposal)


@transaction.non_atomic_requests
def floor_articles(request):
    if request.GET.get("search", "").strip():
        return _search_page(request, request.GET["search"])
    where, params = "", ()
    return _page(
        request,
        table="news_article",
        key="news_article.id",
        ids=_article_ids,
        select=_article_sql(False),
        order="news_article.published_at DESC NULLS LAST, news_article.id",
        where=where,
        params=params,
        shape=_article,
    )


@transaction.non_atomic_requests
def floor_article(request, pk: int):
    return _one(select=_article_sql(True), key="news_article.id", pk=pk, shape=_article)


floor_urls = [
    path("meetings/", floor_meetings),
    path("meetings/<int:pk>/", floor_meeting),
    path("proposals/", floor_proposals),
    path("proposals/<int:pk>/", floor_proposal),
    path("articles/", floor_articles),
    path("articles/<int:pk>/", floor_article),
]
