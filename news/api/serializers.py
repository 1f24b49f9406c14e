"""Feeds over the API (and the brief shapes of a feed and a mention the review API nests in an article)."""

import datetime

from rest_framework import serializers

from actors.api.serializers import ActorBriefSerializer
from news.models import Feed, Mention
from tracker.api.serializers import StrictFieldsMixin
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
