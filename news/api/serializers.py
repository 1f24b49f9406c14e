import datetime

from rest_framework import serializers

from actors.api.serializers import ActorBriefSerializer
from news.models import Article, Feed, Mention, Suggestion
from tracker.api.filters import MAX_ID
from tracker.api.serializers import IdRelatedField, StrictFieldsMixin, StrictSerializer
from tracker.safe_values import validate_http_url

# Output ---------------------------------------------------------------------


class FeedBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feed
        fields = ("id", "title", "url")


class FeedSerializer(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)
    pending_count = serializers.IntegerField(read_only=True, help_text="Articles waiting for review.")
    health = serializers.SerializerMethodField()

    class Meta:
        model = Feed
        fields = (
            "id",
            "url",
            "title",
            "site_url",
            "publisher",
            "language",
            "active",
            "poll_interval",
            "current_interval",
            "health",
            "last_polled_at",
            "last_status",
            "last_success_at",
            "last_error",
            "consecutive_errors",
            "last_new_item_at",
            "next_poll_at",
            "article_count",
            "pending_count",
            "created_at",
            "updated_at",
        )

    def get_health(self, feed: Feed) -> str:
        """`failing`, `ok` or `not_polled`."""
        if feed.consecutive_errors:
            return "failing"
        return "ok" if feed.last_success_at else "not_polled"


class MentionSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()
    alias = serializers.IntegerField(source="alias_id", allow_null=True, read_only=True)

    class Meta:
        model = Mention
        fields = ("actor", "alias", "matched_text", "start", "end")


class SuggestionSerializer(serializers.ModelSerializer):
    """A record the article may support; accepting the article with this id cites it there."""

    record_type = serializers.SerializerMethodField()
    record_id = serializers.IntegerField(source="object_id", read_only=True)
    record_label = serializers.SerializerMethodField()
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Suggestion
        fields = ("id", "record_type", "record_id", "record_label", "score", "reasons")

    def get_record_type(self, suggestion: Suggestion) -> str:
        return f"{suggestion.content_type.app_label}.{suggestion.content_type.model}"

    def get_record_label(self, suggestion: Suggestion) -> str | None:
        return str(suggestion.record) if suggestion.record is not None else None


class ArticleSerializer(serializers.ModelSerializer):
    feed = FeedBriefSerializer(allow_null=True)
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, read_only=True)
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True, read_only=True)
    story = serializers.IntegerField(source="story_id", allow_null=True, read_only=True)
    duplicates = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Articles marked as duplicates of this one."
    )
    mentions = MentionSerializer(many=True)
    suggestions = SuggestionSerializer(many=True)

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


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its extracted main text."""

    class Meta(ArticleSerializer.Meta):
        fields = (*ArticleSerializer.Meta.fields, "text")


# Input ----------------------------------------------------------------------

MIN_INTERVAL = datetime.timedelta(minutes=1)
# The ingestion adapts its polling within INGEST_MIN_INTERVAL..INGEST_MAX_INTERVAL (a day by default) whatever
# the base interval; a year bounds it so that the scheduling arithmetic (now + interval, interval × backoff)
# and the stored duration stay within range.
MAX_INTERVAL = datetime.timedelta(days=365)


class FeedCreateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Add a feed by its URL: one request to the site checks it, names it and brings its first items."""

    url = serializers.URLField(max_length=2000, validators=[validate_http_url])
    poll_interval = serializers.DurationField(required=False, min_value=MIN_INTERVAL, max_value=MAX_INTERVAL)

    class Meta:
        model = Feed
        fields = ("url", "poll_interval", "active")

    def validate_url(self, url: str) -> str:
        if Feed.objects.filter(url=url.strip()).exists():
            raise serializers.ValidationError("This feed is already tracked.")
        return url.strip()


class FeedUpdateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What an editor changes on a feed (its URL is its identity: add a new feed instead)."""

    poll_interval = serializers.DurationField(required=False, min_value=MIN_INTERVAL, max_value=MAX_INTERVAL)

    class Meta:
        model = Feed
        fields = ("title", "publisher", "language", "active", "poll_interval")


class AcceptSerializer(StrictSerializer):
    suggestions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=100,
        help_text="Ids of this article's suggestions to turn into citations of their records.",
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)

    def validate_suggestions(self, ids: list[int]) -> list[int]:
        article = self.context["article"]
        own = set(article.suggestions.filter(pk__in=ids).values_list("pk", flat=True))
        unknown = [str(pk) for pk in ids if pk not in own]
        if unknown:
            raise serializers.ValidationError(f"Not suggestions of this article: {', '.join(unknown)}.")
        return ids


class RejectSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=5000, help_text="Why; ingestion never brings the article back.")


class MarkDuplicateSerializer(StrictSerializer):
    original = IdRelatedField(queryset=Article.objects.only("id", "duplicate_of_id"))
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)

    def validate_original(self, original: Article) -> Article:
        if original.pk == self.context["article"].pk:
            raise serializers.ValidationError("An article cannot duplicate itself.")
        return original
