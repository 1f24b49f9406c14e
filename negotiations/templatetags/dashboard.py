"""Wording shared by the dashboard's templates."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder

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
