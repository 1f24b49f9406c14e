"""Writes that belong to the project as a whole: users and their roles, and the audit log."""

import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest

from .models import AuditEvent
from .roles import ADMINISTRATOR, ROLES
from .security import client_address


@transaction.atomic
def user_set_role(*, username: str, role: str, password: str | None = None):
    """Create (or reuse) a staff user holding exactly one role; set the password when given."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_superuser = role == ADMINISTRATOR
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def user_set_password(*, user, password: str) -> None:
    """Set a password that passes AUTH_PASSWORD_VALIDATORS (a ValidationError says why not)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


def audit_record(
    *,
    kind: str,
    user=None,
    username: str = "",
    actor=None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one event to the audit log (tracker.models.AuditEvent), with the client's address when a request
    is at hand. Never give it a password or a token: the log names what happened, not the secrets."""
    if user is not None and not username:
        username = user.get_username()
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        actor=actor,
        ip_address=_valid_address(client_address(request)) if request is not None else None,
        detail=detail[:500],
    )


def _valid_address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
