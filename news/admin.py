from django.contrib import admin

from tracker.admin_tools import RecordAdmin

from .models import Article, Feed


@admin.register(Feed)
class FeedAdmin(RecordAdmin):
    list_display = (
        "__str__",
        "publisher",
        "active",
        "poll_interval",
        "last_status",
        "consecutive_errors",
        "last_success_at",
        "next_poll_at",
    )
    list_filter = ("active", "last_status")
    search_fields = ("url", "title", "publisher")
    readonly_fields = (
        "etag",
        "last_modified",
        "body_hash",
        "last_polled_at",
        "last_status",
        "last_success_at",
        "last_error",
        "consecutive_errors",
        "last_new_item_at",
    )


@admin.register(Article)
class ArticleAdmin(RecordAdmin):
    ordering = ("-published_at",)
    list_display = ("title", "publisher", "published_at", "language", "review_state", "relevance", "reviewer")
    list_filter = ("review_state", "language", "feed")
    list_select_related = ("reviewer",)
    search_fields = ("title", "canonical_url", "publisher")
    date_hierarchy = "published_at"
    autocomplete_fields = ("duplicate_of",)
    readonly_fields = (
        "feed",
        "guid",
        "url",
        "canonical_url",
        "content_hash",
        "simhash",
        "reviewer",
        "reviewed_at",
        "revision",
        "story",
        "processing_state",
        "processing_error",
        "processed_at",
    )
    exclude = ("raw_html", "content_html")
