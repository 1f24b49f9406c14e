"""The review queue in the admin: news's articles, pending first, with their mentions and suggestions, and the
review transitions as actions (review.services: a transition another editor won meanwhile is an error
message naming who decided what, and when; nothing is overwritten)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.db.models import Prefetch
from django.template.response import TemplateResponse

from news import selectors as news_selectors
from news import services as news_services
from news.models import Article, Mention
from tracker.admin_tools import RecordAdmin

from . import services
from .models import Suggestion
from .selectors import QUEUE_ORDER


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


def _report_decided_meanwhile(request, articles: list[Article]) -> None:
    """The queue lists pending articles: one selected on the page but no longer in it was decided since the
    page was shown (by another editor, or by processing). Say who decided it, how and when."""
    if request.POST.get("select_across") == "1":
        return
    selected = {int(pk) for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()}
    for article_id in sorted(selected - {article.pk for article in articles}):
        messages.error(request, services.conflict_message(article_id))


def _transition(request, transition, **kwargs) -> bool:
    """Run one review transition; a refusal (another editor was first, or the input does not allow it) is an
    error message, and the other articles go on."""
    try:
        transition(reviewer=request.user, **kwargs)
    except services.ReviewError as error:
        messages.error(request, str(error))
        return False
    return True


@admin.action(description="Accept: cite chosen suggestions", permissions=["change"])
def accept(modeladmin, request, queryset):
    articles = list(
        queryset.prefetch_related(
            Prefetch("suggestions", queryset=Suggestion.objects.prefetch_related("record").order_by("-score"))
        )
    )
    _report_decided_meanwhile(request, articles)
    if not articles:
        return None
    if "confirm" in request.POST:
        chosen = {int(value) for value in request.POST.getlist("suggestion")}
        accepted = cited = 0
        for article in articles:
            ids = [s.pk for s in article.suggestions.all() if s.pk in chosen]
            note = request.POST.get("reason", "")
            if _transition(request, services.article_accept, article=article, suggestion_ids=ids, note=note):
                accepted, cited = accepted + 1, cited + len(ids)
        if accepted:
            messages.success(request, f"Accepted {accepted} article(s); {cited} citation(s) made.")
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
            # Ticked in advance: the suggestions scoring at least the threshold chosen on the labelled set.
            "preselect_threshold": settings.SUGGESTION_PRESELECT_THRESHOLD,
        },
    )


@admin.action(description="Reject (the reason goes in the note field)", permissions=["change"])
def reject(modeladmin, request, queryset):
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Write the reason in the note field next to the action, then reject.")
        return
    articles = list(queryset)
    _report_decided_meanwhile(request, articles)
    rejected = sum(
        _transition(request, services.article_reject, article=article, reason=reason) for article in articles
    )
    if rejected:
        messages.success(request, f"Rejected {rejected} article(s); they will not come back.")


@admin.action(description="Mark as duplicates of the first selected (oldest)", permissions=["change"])
def mark_duplicate(modeladmin, request, queryset):
    articles = list(queryset.order_by("published_at", "pk"))
    _report_decided_meanwhile(request, articles)
    if len(articles) < 2:
        messages.error(request, "Select the original and its duplicates.")
        return
    original, *copies = articles
    note = request.POST.get("reason", "")
    marked = sum(
        _transition(request, services.article_mark_duplicate, article=article, original=original, note=note)
        for article in copies
    )
    if marked:
        messages.success(request, f"{marked} article(s) marked as duplicates of “{original}”.")


@admin.register(Article)
class ArticleAdmin(RecordAdmin):
    ordering = QUEUE_ORDER  # the workspace's, which news_article_queue_idx serves
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
        return news_selectors.with_story_sources(
            super().get_queryset(request).select_related("feed", "reviewer", "story")
        )

    @admin.display(description="outlets", ordering="story_sources")
    def sources(self, article: Article) -> int:
        return article.story_sources

    def delete_model(self, request, obj):
        news_services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            news_services.article_delete(article=article)
