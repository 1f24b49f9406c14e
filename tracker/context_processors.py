"""What every page's navigation needs: which sections the user's role opens, and the role's name."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import roles


def navigation(request: HttpRequest) -> dict:
    """`nav`, worked out only when a template reads it (the admin's pages never do, and pay nothing)."""
    return {"nav": SimpleLazyObject(lambda: _navigation(getattr(request, "user", None)))}


def _navigation(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"may_read_news": False, "role": None}
    names = {group.name for group in user.groups.all()}
    fallback = roles.ADMINISTRATOR if user.is_superuser else None
    return {
        # The review queue: editors act on it; every other role reads it (what the news brings in).
        "may_read_news": user.has_perm("news.view_article"),
        "role": next((name for name in reversed(roles.ROLES) if name in names), fallback),
    }
