"""The four roles, as Django groups, and the permissions each one carries.

A role is a rule over (app, model, action), so a model added later falls
into the right groups when `sync_roles` runs (a data migration calls it; so
can `manage.py sync_roles`). tests/tracker/test_roles.py checks that every
permission in the database is where these rules put it.
"""

from collections.abc import Callable

VIEWER = "viewer"
ANALYST = "analyst"
EDITOR = "editor"
ADMINISTRATOR = "administrator"
ROLES = (VIEWER, ANALYST, EDITOR, ADMINISTRATOR)

RECORD_APPS = frozenset({"actors", "negotiations"})
DOMAIN_APPS = RECORD_APPS | {"news", "review"}

Rule = Callable[[str, str, str], bool]


def _viewer(app: str, model: str, action: str) -> bool:
    return app in DOMAIN_APPS and action == "view"


def _analyst(app: str, model: str, action: str) -> bool:
    return _viewer(app, model, action) or app in RECORD_APPS


def _editor(app: str, model: str, action: str) -> bool:
    if _viewer(app, model, action):
        return True
    if app == "news":
        # Editors manage feeds and review articles; articles arrive only by ingestion.
        return model == "feed" or (model == "article" and action in {"change", "delete"})
    # Accepting an article turns its suggestions into citations on records.
    return app == "negotiations" and model == "citation" and action in {"add", "change"}


def _administrator(app: str, model: str, action: str) -> bool:
    return True


RULES: dict[str, Rule] = {
    VIEWER: _viewer,
    ANALYST: _analyst,
    EDITOR: _editor,
    ADMINISTRATOR: _administrator,
}


def permission_parts(codename: str, app_label: str, model: str) -> tuple[str, str, str] | None:
    """(app, model, action) of a default model permission; None for historical models and custom ones."""
    action, _, rest = codename.partition("_")
    if rest != model or model.startswith("historical"):
        return None
    return app_label, model, action


def sync_roles(apps) -> None:
    """Create the role groups and set each one's permissions from RULES (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = list(permission_model.objects.select_related("content_type"))
    for role, rule in RULES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [
            permission.pk
            for permission in permissions
            if (
                parts := permission_parts(
                    permission.codename, permission.content_type.app_label, permission.content_type.model
                )
            )
            and rule(*parts)
        ]
        group.permissions.set(wanted)
