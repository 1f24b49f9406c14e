"""News sources and the articles ingested from them, waiting for an editor's review."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from tracker.models import TimeStampedModel


class Feed(TimeStampedModel):
    """An RSS or Atom source, with its schedule, conditional-request state and health."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    active = models.BooleanField(default=True)
    poll_interval = models.DurationField(help_text="Base interval between polls (adapted to the feed's real rate).")
    # Conditional GET state, stored separately as each server sends it.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    # Health.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last poll.")
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_new_item_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # The beat tick's "due feeds" claim: active feeds by next poll time.
            models.Index(fields=["next_poll_at"], name="news_feed_due_idx", condition=Q(active=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_interval__gt=datetime.timedelta(0)),
                name="news_feed_interval_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Article(TimeStampedModel):
    """One ingested news item and its review state."""

    class ReviewState(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        DUPLICATE = "duplicate", "Duplicate"

    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    guid = models.CharField(max_length=1000, blank=True, help_text="The feed's own identifier for the item.")
    url = models.URLField(max_length=2000)
    canonical_url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    raw_html = models.TextField(blank=True, help_text="The fetched page, kept so the article can be re-extracted.")
    text = models.TextField(blank=True, help_text="The extracted main text.")
    language = models.CharField(max_length=16, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the normalised text.")
    simhash = models.BigIntegerField(null=True, blank=True, help_text="64-bit SimHash of the text.")
    relevance = models.FloatField(default=0.0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_articles"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="Why it was rejected, or what it supports.")
    history = HistoricalRecords(excluded_fields=["raw_html", "text"])

    class Meta:
        indexes = [
            # The review queue: pending articles, most relevant first.
            models.Index(
                F("relevance").desc(),
                F("published_at").desc(),
                name="news_article_pending_idx",
                condition=Q(review_state="pending"),
            ),
            models.Index(fields=["published_at"], name="news_article_published_idx"),
            models.Index(fields=["content_hash"], name="news_article_hash_idx"),
            models.Index(fields=["review_state", "reviewed_at"], name="news_article_review_idx"),
        ]
        constraints = [
            # One item per feed GUID (blank GUIDs fall back to the URL identity).
            models.UniqueConstraint(
                fields=["feed", "guid"], name="news_article_unique_feed_guid", condition=~Q(guid="")
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("id")), name="news_article_not_own_duplicate"),
            models.CheckConstraint(
                condition=~Q(review_state="duplicate") | Q(duplicate_of__isnull=False),
                name="news_article_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(review_state="pending") | Q(reviewed_at__isnull=False),
                name="news_article_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title
