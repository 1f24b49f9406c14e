"""Shared model pieces."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Every record says when it was created and last changed (mirrors sync on updated_at)."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One security-relevant event, for administrators to read (admin: Tracker › Audit events).

    Written only by tracker.services.audit_record (the receivers in tracker/signals.py call it): logins and
    failed logins (the admin's form and the API's token endpoint), lockouts, token issuance, and changes of
    a user's roles or standing (groups, superuser, staff, active) or of a role's permissions. Never edited.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "login"
        LOGIN_FAILED = "login_failed", "failed login"
        LOCKED_OUT = "locked_out", "locked out"
        TOKEN_ISSUED = "token_issued", "token issued"
        ROLE_CHANGED = "role_changed", "role changed"

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Whom the event is about: the user row when there is one, and always the name (a failed login may
    # name no user; a deleted user's events keep their name).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    # Who did it, when someone else did (an administrator changing a user's roles).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        # The admin's changelist lists the newest first; a user's own events by name.
        indexes = [models.Index(fields=["username", "-at"], name="auditevent_username_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}".strip()
