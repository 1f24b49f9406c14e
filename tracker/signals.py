"""Receivers that put security events into the audit log through tracker.services.audit_record.

Django's and django-axes' public signals are the hooks: user_logged_in and user_login_failed (every password
check, the admin's form and the API's token endpoint alike), axes' user_locked_out, and the changes of a
user's groups (roles), of a user's superuser, staff and active flags, and of a role's permissions, however
they are made (tracker.services.user_set_role, the admin's user and group forms, the shell). Who made a
change is the signed-in user of the request at hand (simple_history's middleware keeps it), if any.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model, user_logged_in, user_login_failed
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .models import AuditEvent
from .services import audit_record

User = get_user_model()
STANDING = ("is_superuser", "is_staff", "is_active")


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def current_actor():
    request = current_request()
    return getattr(request, "user", None)


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs):
    audit_record(kind=AuditEvent.Kind.LOGIN, user=user, request=request, detail=f"at {request.path}")


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django hands the credentials over with the password masked; only the username is kept.
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    path = f"at {request.path}" if request is not None else ""
    audit_record(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        user=User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None,
        username=username,
        request=request,
        detail=path,
    )


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        kind=AuditEvent.Kind.LOCKED_OUT,
        username=username or "",
        request=request,
        detail=f"at {request.path}: further attempts refused for a while" if request is not None else "",
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit-user-groups")
def audit_user_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    verb = "added" if action == "post_add" else "removed"
    if reverse:  # a group's users changed: instance is the group, pk_set the users
        users = User.objects.filter(pk__in=pk_set) if pk_set is not None else instance.user_set.all()
        pairs = [(user, [instance.name]) for user in users]
    else:
        groups = Group.objects.filter(pk__in=pk_set) if pk_set is not None else instance.groups.all()
        pairs = [(instance, sorted(group.name for group in groups))]
    for user, names in pairs:
        if names:
            audit_record(
                kind=AuditEvent.Kind.ROLE_CHANGED,
                user=user,
                actor=current_actor(),
                request=current_request(),
                detail=f"{verb} role {', '.join(names)}",
            )


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit-group-permissions")
def audit_group_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"} or reverse:
        return
    verb = "added" if action == "post_add" else "removed"
    permissions = Permission.objects.filter(pk__in=pk_set) if pk_set is not None else instance.permissions.all()
    codenames = sorted(permissions.values_list("codename", flat=True))
    if codenames:
        audit_record(
            kind=AuditEvent.Kind.ROLE_CHANGED,
            actor=current_actor(),
            request=current_request(),
            detail=f"role {instance.name}: {verb} permissions {', '.join(codenames)}",
        )


@receiver(pre_save, sender=User, dispatch_uid="audit-user-standing-before")
def remember_standing(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and not set(update_fields) & set(STANDING)):
        instance._audit_standing = None
        return
    instance._audit_standing = User.objects.filter(pk=instance.pk).values(*STANDING).first()


@receiver(post_save, sender=User, dispatch_uid="audit-user-standing-after")
def audit_standing(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = dict.fromkeys(STANDING, False) if created else getattr(instance, "_audit_standing", None)
    if before is None:
        return
    changes = [
        f"{name.removeprefix('is_')} {'on' if getattr(instance, name) else 'off'}"
        for name in STANDING
        if bool(getattr(instance, name)) != bool(before[name]) and not (created and name == "is_active")
    ]
    if changes:
        audit_record(
            kind=AuditEvent.Kind.ROLE_CHANGED,
            user=instance,
            actor=current_actor(),
            request=current_request(),
            detail=("created: " if created else "") + ", ".join(changes),
        )
