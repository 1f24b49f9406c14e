"""What every page's navigation needs: which sections the user's role opens."""

from django.http import HttpRequest

from . import roles


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"may_read_news": False, "role": None}}
    names = {group.name for group in user.groups.all()}
    fallback = roles.ADMINISTRATOR if user.is_superuser else None
    role = next((name for name in reversed(roles.ROLES) if name in names), fallback)
    return {
        "nav": {
            # The review queue: editors act on it; every other role reads it (what the news brings in).
            "may_read_news": user.has_perm("news.view_article"),
            "role": role,
        }
    }
