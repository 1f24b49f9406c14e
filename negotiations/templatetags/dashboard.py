"""Wording shared by the dashboard's templates."""

from django import template

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
