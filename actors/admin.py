from django.contrib import admin
from django.db.models import Count

from tracker.admin_tools import PreloadingTabularInline, RecordAdmin

from .models import Actor, Affiliation, Alias, ExternalIdentifier
from .text import alias_key


class AliasInline(PreloadingTabularInline):
    model = Alias
    fields = ("name", "language", "script", "kind")


class IdentifierInline(PreloadingTabularInline):
    model = ExternalIdentifier
    fields = ("scheme", "value")


class AffiliationInline(PreloadingTabularInline):
    model = Affiliation
    fk_name = "actor"
    fields = ("title", "organisation", "start_date", "end_date", "sole_holder")
    autocomplete_fields = ("organisation",)


@admin.register(Actor)
class ActorAdmin(RecordAdmin):
    ordering = ("name",)
    list_display = ("name", "kind", "country", "alias_count", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("country",)
    search_fields = ("name", "slug", "aliases__normalized", "identifiers__value")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country",)
    inlines = (AliasInline, IdentifierInline, AffiliationInline)  # and the citations (negotiations/admin.py)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_count=Count("aliases", distinct=True))

    @admin.display(description="aliases", ordering="alias_count")
    def alias_count(self, actor: Actor) -> int:
        return actor.alias_count

    def get_search_results(self, request, queryset, search_term):
        # Aliases are stored case-folded: fold the query the same way.
        return super().get_search_results(request, queryset, alias_key(search_term) if search_term else search_term)


@admin.register(Alias)
class AliasAdmin(RecordAdmin):
    list_display = ("name", "actor", "language", "script", "kind")
    list_filter = ("language", "script", "kind")
    list_select_related = ("actor",)
    search_fields = ("normalized", "actor__name")
    autocomplete_fields = ("actor",)
    readonly_fields = ("normalized",)


@admin.register(Affiliation)
class AffiliationAdmin(RecordAdmin):
    list_display = ("actor", "title", "organisation", "start_date", "end_date")
    list_filter = ("title",)
    list_select_related = ("actor", "organisation")
    search_fields = ("title", "actor__name", "organisation__name")
    autocomplete_fields = ("actor", "organisation")
    date_hierarchy = "start_date"
