from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse

from tracker.admin_tools import RecordAdmin
from tracker.safe_values import validate_http_url

from . import selectors, services, tasks
from .models import Article, Feed, FeedPoll, Mention, Suggestion, Tombstone

# Feeds ----------------------------------------------------------------------


class FeedAddForm(forms.ModelForm):
    """Adding a feed fetches it once: the same response validates it and brings its first items."""

    url = forms.URLField(max_length=2000, assume_scheme="https", validators=[validate_http_url])

    class Meta:
        model = Feed
        fields = ("url", "poll_interval", "active")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url") and not self.errors:
            try:
                self.preview = services.feed_preview(url=cleaned["url"])
            except services.FeedError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


class RecentPollsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # Only the latest polls, read once: the history of a busy feed must not grow its page.
        if not hasattr(self, "_recent"):
            self._recent = list(super().get_queryset()[:20])
        return self._recent


class PollInline(admin.TabularInline):
    model = FeedPoll
    formset = RecentPollsFormSet
    fields = (
        "started_at",
        "outcome",
        "http_status",
        "duration",
        "bytes_received",
        "new_count",
        "updated_count",
        "duplicate_count",
        "error",
        "refusals",
    )
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-started_at",)
    verbose_name_plural = "recent polls"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("feed").order_by("-started_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Poll selected feeds now", permissions=["change"])
def poll_now(modeladmin, request, queryset):
    for feed_id in queryset.values_list("pk", flat=True):
        tasks.enqueue(tasks.poll_feed, feed_id)
    messages.success(request, "Polls queued; results appear in each feed's health.")


@admin.register(Feed)
class FeedAdmin(RecordAdmin):
    list_display = ("__str__", "publisher", "active", "health", "last_success_at", "last_new_item_at", "next_poll_at")
    list_filter = ("active", "last_status")
    search_fields = ("url", "title", "publisher")
    actions = (*RecordAdmin.actions, poll_now)
    inlines = (PollInline,)
    readonly_fields = (
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
    )

    @admin.display(description="health")
    def health(self, feed: Feed) -> str:
        if feed.consecutive_errors:
            return f"failing ×{feed.consecutive_errors}: {feed.last_error[:80]}"
        return "ok" if feed.last_success_at else "not polled yet"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = FeedAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "poll_interval", "active")
        return super().get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        feed, summary = services.feed_add(
            url=form.cleaned_data["url"],
            poll_interval=form.cleaned_data["poll_interval"],
            active=form.cleaned_data["active"],
            preview=form.preview,
        )
        obj.pk = feed.pk
        obj.refresh_from_db()
        tasks.enqueue_processing(summary.to_process)
        messages.info(request, f"{summary.new} item(s) found; they are being processed for review.")


# Articles -------------------------------------------------------------------


class MentionInline(admin.TabularInline):
    model = Mention
    fields = ("actor", "matched_text", "start", "end")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "article").order_by("start")

    def has_add_permission(self, request, obj=None):
        return False


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    fields = ("record_link", "score", "reasons")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article").prefetch_related("record").order_by("-score")

    @admin.display(description="record")
    def record_link(self, suggestion: Suggestion) -> str:
        record = suggestion.record
        return f"{record._meta.verbose_name}: {record}" if record is not None else "(deleted)"

    def has_add_permission(self, request, obj=None):
        return False


class ReviewActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason / note", widget=forms.TextInput(attrs={"size": 40}))


class PendingFirstFilter(admin.SimpleListFilter):
    """The review queue by default: pending articles."""

    title = "review state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("all", "All"), *Article.ReviewState.choices]

    def choices(self, changelist):
        value = self.value() or Article.ReviewState.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Article.ReviewState.PENDING
        return queryset if value == "all" else queryset.filter(review_state=value)


@admin.action(description="Accept: cite chosen suggestions", permissions=["change"])
def accept(modeladmin, request, queryset):
    articles = list(
        queryset.prefetch_related(
            Prefetch("suggestions", queryset=Suggestion.objects.prefetch_related("record").order_by("-score"))
        )
    )
    if "confirm" in request.POST:
        chosen = {int(value) for value in request.POST.getlist("suggestion")}
        for article in articles:
            ids = [s.pk for s in article.suggestions.all() if s.pk in chosen]
            services.article_accept(
                article=article, reviewer=request.user, suggestion_ids=ids, note=request.POST.get("reason", "")
            )
        messages.success(request, f"Accepted {len(articles)} article(s); {len(chosen)} citation(s) made.")
        return None
    return TemplateResponse(
        request,
        "admin/news/article/accept.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Accept articles and cite them",
            "articles": articles,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "reason": request.POST.get("reason", ""),
        },
    )


@admin.action(description="Reject (the reason goes in the note field)", permissions=["change"])
def reject(modeladmin, request, queryset):
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Write the reason in the note field next to the action, then reject.")
        return
    for article in queryset:
        services.article_reject(article=article, reviewer=request.user, reason=reason)
    messages.success(request, "Rejected; these articles will not come back.")


@admin.action(description="Mark as duplicates of the first selected (oldest)", permissions=["change"])
def mark_duplicate(modeladmin, request, queryset):
    articles = list(queryset.order_by("published_at", "pk"))
    if len(articles) < 2:
        messages.error(request, "Select the original and its duplicates.")
        return
    original, *copies = articles
    for article in copies:
        services.article_mark_duplicate(
            article=article, reviewer=request.user, original=original, note=request.POST.get("reason", "")
        )
    messages.success(request, f"{len(copies)} article(s) marked as duplicates of “{original}”.")


@admin.register(Article)
class ArticleAdmin(RecordAdmin):
    ordering = ("-relevance", "-published_at")
    list_display = (
        "title",
        "publisher",
        "published_at",
        "language",
        "review_state",
        "relevance",
        "sources",
        "processing_state",
    )
    list_filter = (PendingFirstFilter, "processing_state", "language", "feed")
    search_fields = ("title", "canonical_url", "publisher")
    date_hierarchy = "published_at"
    autocomplete_fields = ("duplicate_of",)
    action_form = ReviewActionForm
    actions = (*RecordAdmin.actions, accept, reject, mark_duplicate)
    inlines = (MentionInline, SuggestionInline)
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
        "entry_hash",
        "text",
    )
    exclude = ("raw_html", "content_html", "feed_content")

    def get_queryset(self, request):
        return selectors.with_story_sources(super().get_queryset(request).select_related("feed", "reviewer", "story"))

    @admin.display(description="outlets", ordering="story_sources")
    def sources(self, article: Article) -> int:
        return article.story_sources

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article)


@admin.register(Tombstone)
class TombstoneAdmin(RecordAdmin):
    list_display = ("canonical_url", "title", "reason", "created_at")
    search_fields = ("canonical_url", "title", "reason")
