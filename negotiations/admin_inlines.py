"""The citation inline, shared by every admin that shows a citable record."""

from django.contrib.contenttypes.admin import GenericTabularInline

from tracker.admin_tools import PreloadingMixin

from .models import Citation


class CitationInline(PreloadingMixin, GenericTabularInline):
    model = Citation
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ("publisher", "title", "url", "article", "published_on", "quote")
    autocomplete_fields = ("article",)
