"""Feeds and tombstones in the admin. The articles' admin is the review queue: review/admin.py."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.forms.models import BaseInlineFormSet

from tracker.admin_tools import RecordAdmin
from tracker.safe_values import HttpURLFormField, validate_http_url

from . import services, tasks
from .models import Feed, FeedPoll, Tombstone

# Feeds ----------------------------------------------------------------------


class FeedAddForm(forms.ModelForm):
    """Adding a feed fetches it once: the same response validates it and brings its first items.

    The fetch happens before the admin opens its transaction (FeedAdmin.changeform_view); the form is
    given its outcome as `fetched` (a FeedPreview, or the FeedError that says why the feed is unusable)."""

    url = HttpURLFormField(max_length=2000, assume_scheme="https", validators=[validate_http_url])
    fetched: services.FeedPreview | services.FeedError | None = None

    class Meta:
        model = Feed
        fields = ("url", "poll_interval", "active")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url") and not self.errors:
            if isinstance(self.fetched, services.FeedError):
                raise forms.ValidationError(str(self.fetched))
            if self.fetched is None:
                raise forms.ValidationError("The feed could not be fetched; try again.")
            self.preview = self.fetched
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

    def get_urls(self):
        """The add view runs outside ATOMIC_REQUESTS' transaction, so its fetch holds none open."""
        urls = super().get_urls()
        add = f"{self.opts.app_label}_{self.opts.model_name}_add"
        for pattern in urls:
            if getattr(pattern, "name", None) == add:
                transaction.non_atomic_requests(pattern.callback)
        return urls

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None and request.method == "POST":
            request.feed_fetched = self._fetch(request.POST.get("url", ""))  # before the admin's transaction
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _fetch(url: str) -> services.FeedPreview | services.FeedError | None:
        try:
            url = FeedAddForm.base_fields["url"].clean(url)
        except forms.ValidationError:
            return None  # the form reports the field's own error
        try:
            return services.feed_preview(url=url)
        except services.FeedError as error:
            return error

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("FeedAddForm", (FeedAddForm,), {"fetched": getattr(request, "feed_fetched", None)})
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


# Tombstones -----------------------------------------------------------------


@admin.register(Tombstone)
class TombstoneAdmin(RecordAdmin):
    list_display = ("canonical_url", "title", "reason", "created_at")
    search_fields = ("canonical_url", "title", "reason")
