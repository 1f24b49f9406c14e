"""Admin building blocks shared by the apps' admin modules.

Django's autocomplete widget looks up its selected object with one query per
widget, so an inline with N rows costs N queries. Here the inline's queryset
loads those objects with select_related and each row's widget is handed its
object, so a change form costs the same whatever the number of rows.
"""

import csv

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import BaseModelForm, ModelForm
from django.http import StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from simple_history.admin import SimpleHistoryAdmin

from tracker.api.conditional import record_claim
from tracker.api.services import touches_deferred
from tracker.safe_values import HttpURLFormField


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select that renders an already-loaded selected object without a query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preloaded: dict[str, models.Model] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.preloaded[key])
            options.append(self.create_option(name, key, label, selected, len(options)))
        return [(None, options, 0)]


class PreloadingForm(ModelForm):
    """Hands each preloading autocomplete widget the related object its instance already holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                related = getattr(self.instance, name)
                if related is not None:
                    widget.preloaded = {str(related.pk): related}


class PreloadingMixin:
    """For ModelAdmin and inlines: autocomplete foreign keys rendered from select_related objects."""

    form: type[BaseModelForm] = PreloadingForm
    autocomplete_fields: tuple[str, ...] = ()
    # A URL typed without a scheme means https (Django 6's default, adopted now); a scheme-relative one
    # is refused (tracker.safe_values).
    formfield_overrides = {models.URLField: {"form_class": HttpURLFormField, "assume_scheme": "https"}}

    def _autocomplete_foreign_keys(self) -> list[str]:
        return [
            name for name in self.autocomplete_fields if isinstance(self.model._meta.get_field(name), models.ForeignKey)
        ]

    def _preloaded_foreign_keys(self) -> list[str]:
        if isinstance(self, InlineModelAdmin):
            # An inline row also shows its object's __str__, which may name any of its foreign keys.
            return [
                field.name
                for field in self.model._meta.concrete_fields
                if isinstance(field, models.ForeignKey) and field.related_model is not ContentType
            ]
        return self._autocomplete_foreign_keys()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        foreign_keys = self._preloaded_foreign_keys()
        return queryset.select_related(*foreign_keys) if foreign_keys else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class Echo:
    def write(self, value: str) -> str:
        return value


@admin.action(description="Export selected rows as CSV", permissions=["view"])
def export_csv(modeladmin, request, queryset):
    """Stream the selected rows' own columns, so a large export never sits in memory."""
    fields = list(modeladmin.model._meta.concrete_fields)
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow([field.name for field in fields])
        for obj in queryset.iterator(chunk_size=2000):
            yield writer.writerow([field.value_from_object(obj) for field in fields])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{modeladmin.model._meta.model_name}.csv"'
    return response


VERSION_FIELD = "record_version"
STALE_SAVE = (
    "This record was changed by someone else since you opened it; reload the page to see their "
    "changes, then make yours again."
)


def versioned_form(form_class: type[BaseModelForm], *, shown_version=None) -> type[BaseModelForm]:
    """`form_class` with a hidden field carrying the record's `updated_at` as the page showed it.

    Saving checks it against the row with a conditional UPDATE (tracker.api.conditional.record_claim),
    inside the admin's transaction, so of two people saving the same version the second is refused
    with a form error and nothing of theirs is written. `shown_version` is the version a revert page
    shows (the current row's, not the old version's being reverted to)."""

    class VersionedForm(form_class):
        record_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            version = shown_version or getattr(self.instance, "updated_at", None)
            if self.instance.pk is not None and version is not None:
                self.initial[VERSION_FIELD] = version.isoformat()

        def clean(self):
            cleaned = super().clean()
            if self.instance.pk is None:
                return cleaned
            version = parse_datetime(self.cleaned_data.get(VERSION_FIELD) or "")
            if version is None or not record_claim(self.instance, version=version):
                raise forms.ValidationError(STALE_SAVE, code="stale")
            return cleaned

    VersionedForm.__name__ = VersionedForm.__qualname__ = f"Versioned{form_class.__name__}"
    return VersionedForm


# Inlines an app adds to the admin of another app's model (by model label), so that a lower app's admin
# needs no import of a higher one: negotiations adds the citations inline to the actor's page.
_ADDED_INLINES: dict[str, list[type[InlineModelAdmin]]] = {}


def add_inline(model_label: str, inline: type[InlineModelAdmin]) -> None:
    """Show `inline` on the change page of `model_label` ("app_label.ModelName"), after the admin's own."""
    if inline not in _ADDED_INLINES.setdefault(model_label, []):
        _ADDED_INLINES[model_label].append(inline)


class RecordAdmin(PreloadingMixin, SimpleHistoryAdmin):
    """Base for every core record: history (view and revert), preloaded autocompletes, CSV export, and
    change forms that refuse a stale save (see `versioned_form`); inlines other apps add (`add_inline`)."""

    actions = (export_csv,)
    show_full_result_count = False

    def view_on_site(self, obj):
        """A record with a page of its own (an actor, a track, a meeting, a proposal, a sticking point) links
        to it straight from its change form; the others have no "View on site" link."""
        page = getattr(obj, "get_absolute_url", None)
        return page() if page is not None else None

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), *_ADDED_INLINES.get(self.model._meta.label, ()))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk is not None and self.has_change_permission(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = versioned_form(base, shown_version=getattr(request, "current_record_version", None))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None or VERSION_FIELD in admin.utils.flatten_fieldsets(fieldsets):
            return fieldsets
        if not self.has_change_permission(request, obj):
            return fieldsets  # a read-only page saves nothing
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], VERSION_FIELD)}), *rest]

    def save_related(self, request, form, formsets, change):
        # Inline rows move this record's version (tracker/api/freshness.py): once for the whole save.
        with touches_deferred():
            super().save_related(request, form, formsets, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history lets anyone who may *view* history POST a revert; reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        # The revert form edits an old version: the version to check is the current row's.
        request.current_record_version = (
            self.model._base_manager.filter(pk=object_id).values_list("updated_at", flat=True).first()
        )
        return super().history_form_view(request, object_id, version_id, extra_context)


class PreloadingTabularInline(PreloadingMixin, admin.TabularInline):
    extra = 0


class PreloadingStackedInline(PreloadingMixin, admin.StackedInline):
    extra = 0
