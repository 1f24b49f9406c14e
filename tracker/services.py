"""Writes that belong to the project as a whole: users and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .roles import ADMINISTRATOR, ROLES


@transaction.atomic
def user_set_role(*, username: str, role: str, password: str | None = None):
    """Create (or reuse) a staff user holding exactly one role; set the password when given."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_superuser = role == ADMINISTRATOR
    if password is not None:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def user_set_password(*, user, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
