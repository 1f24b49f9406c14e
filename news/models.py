"""News sources and the articles ingested from them, waiting for an editor's review."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from tracker.models import TimeStampedModel
from tracker.safe_values import validate_http_url


class Feed(TimeStampedModel):
    """An RSS or Atom source, with its schedule, conditional-request state and health."""

    url = models.URLField(max_length=2000, unique=True, validators=[validate_http_url])
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True, validators=[validate_http_url])
    publisher = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    active = models.BooleanField(default=True)
    poll_interval = models.DurationField(
        default=datetime.timedelta(hours=1), help_text="Base interval between polls (adapted to the feed's real rate)."
    )
    current_interval = models.DurationField(
        null=True, blank=True, editable=False, help_text="The adapted interval now in use (before backoff and jitter)."
    )
    # Conditional GET state, stored separately as each server sends it.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    last_unconditional_at = models.DateTimeField(null=True, blank=True)
    # Health.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last poll.")
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_new_item_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="A worker holds this feed until then (a poll in flight)."
    )
    # Polling writes its state with queryset updates; history records what people change.
    history = HistoricalRecords(
        excluded_fields=[
            "current_interval",
            "etag",
            "last_modified",
            "body_hash",
            "last_unconditional_at",
            "last_polled_at",
            "last_status",
            "last_success_at",
            "last_error",
            "consecutive_errors",
            "last_new_item_at",
            "next_poll_at",
            "claimed_until",
        ]
    )

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

    class ProcessingState(models.TextChoices):
        NEW = "new", "Waiting for processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Processing failed"

    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    guid = models.CharField(max_length=1000, blank=True, help_text="The feed's own identifier for the item.")
    # Absolute http(s) URLs, or empty: an item whose link was refused (tracker.safe_values) is kept without
    # one, identified by its feed and GUID.
    url = models.URLField(max_length=2000, blank=True, validators=[validate_http_url])
    canonical_url = models.URLField(max_length=2000, blank=True, validators=[validate_http_url])
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="The feed's summary, sanitised HTML.")
    feed_content = models.TextField(blank=True, help_text="The feed's full content when it carries one, sanitised.")
    raw_html = models.TextField(blank=True, help_text="The fetched page, kept so the article can be re-extracted.")
    text = models.TextField(blank=True, help_text="The extracted main text.")
    language = models.CharField(max_length=16, blank=True)
    content_html = models.TextField(blank=True, help_text="The article's HTML, sanitised (nh3) before storage.")
    entry_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the feed item as last seen (title, summary, content)."
    )
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the normalised text.")
    simhash = models.BigIntegerField(null=True, blank=True, help_text="64-bit SimHash of the text.")
    minhash = models.BinaryField(
        null=True, editable=False, help_text="The text's MinHash signature, 16 bits a value (news.pipeline.dedupe)."
    )
    revision = models.PositiveIntegerField(default=1, help_text="Bumped when the source changes the article's content.")
    story = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="story_articles",
        help_text="The first article of the near-duplicate cluster this one belongs to (itself for the first).",
    )
    processing_state = models.CharField(max_length=16, choices=ProcessingState.choices, default=ProcessingState.NEW)
    processing_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The processing sweep's bookkeeping (news.tasks.requeue_waiting_articles): when the article's processing
    # was last queued (or, for a host that asked us to wait, when its retry is due), and how often the sweep
    # had to queue it again.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sweeps = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
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
    history = HistoricalRecords(
        excluded_fields=["raw_html", "text", "content_html", "feed_content", "queued_at", "sweeps", "minhash"]
    )

    class Meta:
        indexes = [
            # The review queue's counts (review.selectors.queue_counts): pending articles by feed and language,
            # counted from the index alone. The queue's order has its own index, news_article_queue_idx
            # (PostgreSQL only, news/migrations/0014_review_queue_indexes.py).
            models.Index(
                fields=["feed", "language"], name="news_article_queue_counts_idx", condition=Q(review_state="pending")
            ),
            # An editor's last verdict, the one they may undo (review.selectors.last_verdict).
            models.Index(
                fields=["reviewer", "-reviewed_at", "-id"],
                name="news_article_verdicts_idx",
                condition=~Q(review_state="pending"),
            ),
            models.Index(fields=["published_at"], name="news_article_published_idx"),
            models.Index(fields=["content_hash"], name="news_article_hash_idx"),
            models.Index(fields=["review_state", "reviewed_at"], name="news_article_review_idx"),
            # reprocess_articles and the processing sweep: articles not yet processed.
            models.Index(
                fields=["created_at"], name="news_article_unprocessed_idx", condition=Q(processing_state="new")
            ),
        ]
        constraints = [
            # One item per feed GUID (blank GUIDs fall back to the URL identity).
            models.UniqueConstraint(
                fields=["feed", "guid"], name="news_article_unique_feed_guid", condition=~Q(guid="")
            ),
            # One article per canonical URL; articles without a link are many. Lookups by URL say
            # `.exclude(canonical_url="")` so that PostgreSQL can use this partial index.
            models.UniqueConstraint(
                fields=["canonical_url"], name="news_article_unique_canonical_url", condition=~Q(canonical_url="")
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


class Tombstone(TimeStampedModel):
    """An article an editor rejected or deleted: ingestion never brings it back."""

    # Blank for an article that had no link (its one row is inert: ingestion looks up non-blank URLs only).
    canonical_url = models.URLField(max_length=2000, unique=True, blank=True, validators=[validate_http_url])
    title = models.CharField(max_length=1000, blank=True)
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.canonical_url


class FeedPoll(models.Model):
    """One poll of a feed, kept as the feed's history of health."""

    class Outcome(models.TextChoices):
        OK = "ok", "New content"
        NOT_MODIFIED = "not_modified", "Not modified"
        UNCHANGED = "unchanged", "Unchanged body"
        ERROR = "error", "Error"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField()
    duration = models.DurationField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes_received = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    refusals = models.TextField(
        blank=True, help_text="Items, or their links, this poll refused (links that are not http or https), and why."
    )

    class Meta:
        indexes = [models.Index(fields=["feed", "-started_at"], name="news_feedpoll_feed_idx")]

    def __str__(self) -> str:
        return f"{self.feed} at {self.started_at:%Y-%m-%d %H:%M}: {self.outcome}"


class Mention(models.Model):
    """An actor named in an article: which alias matched, and where (offsets in the article's text)."""

    # No index of their own: news_mention_unique_span leads with the article, news_mention_actor_idx with the
    # actor (an index fewer to update for each of the ~20 mentions an article gets each time it is processed).
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions", db_index=False)
    actor = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="mentions", db_index=False)
    alias = models.ForeignKey("actors.Alias", null=True, on_delete=models.SET_NULL, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    matched_text = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["actor", "article"], name="news_mention_actor_idx")]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end", "actor"], name="news_mention_unique_span"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="news_mention_span_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.matched_text} → actor {self.actor_id}"


class ArticleBand(models.Model):
    """One LSH band key of an article's MinHash signature; shared keys make near-duplicate candidates."""

    # No index of its own: news_articleband_one_per_band leads with it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands", db_index=False)
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            # dedupe.candidate_query(): the articles holding each (band, key) of the new one, read from the
            # index alone (article_id in it), at most HOT_KEY + 1 per key.
            models.Index(fields=["band", "key", "article"], name="news_articleband_key_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["article", "band"], name="news_articleband_one_per_band")]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.band}:{self.key}"
