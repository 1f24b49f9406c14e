"""Wording shared by the dashboard's templates."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def days_left(days: int | None) -> str:
    """A count of days from the page's day, in words: "12 days left", "today", "3 days ago"."""
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} ago"


@register.filter
def as_json(value) -> str:
    """A value as JSON, for a data- attribute (escaped there like any text): a chart's numbers travel this way,
    since htmx drops <script> elements (json_script's too) from the parts it loads."""
    return json.dumps(value, cls=DjangoJSONEncoder)


@register.simple_tag
def source(citation) -> str:
    """One citation as a link to its source (or, for a publication the tracker holds no link to, its name),
    its quote as the link's title. A tag rather than an included template: a track page shows a hundred."""
    title = format_html(' title="{}"', citation.quote) if citation.quote else ""
    if citation.url:
        name = citation.publisher or citation.title or "Source"
        return format_html('<a href="{}" rel="noopener noreferrer" dir="auto"{}>{}</a>', citation.url, title, name)
    if citation.article_id and citation.article.url:
        name = citation.article.publisher or citation.article.title
        return format_html(
            '<a href="{}" rel="noopener noreferrer" dir="auto"{}>{}</a>', citation.article.url, title, name
        )
    day = format_html(", {}", date_format(citation.published_on, "j M Y")) if citation.published_on else ""
    return format_html('<cite dir="auto"{}>{}{}</cite>', title, citation.publisher or citation.title, day)
