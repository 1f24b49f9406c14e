"""Writes of the API itself (issuing tokens) and the building blocks of the apps' API services."""

import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework.exceptions import ValidationError

from tracker.models import AuditEvent
from tracker.services import audit_record

from .exceptions import validation_error

M = TypeVar("M", bound=Model)


@transaction.atomic
def token_issue(*, user, ttl: datetime.timedelta | None = None, request: HttpRequest | None = None):
    """A new token for `user`: (the token, shown once, and its row, which keeps only a hash and the expiry).

    Every token expires (REST_KNOX["TOKEN_TTL"] unless `ttl` says otherwise). The audit log records the
    issuance (never the token)."""
    instance, token = get_token_model().objects.create(user=user, expiry=ttl or knox_settings.TOKEN_TTL)
    audit_record(
        kind=AuditEvent.Kind.TOKEN_ISSUED,
        user=user,
        request=request,
        detail=f"expires {instance.expiry:%Y-%m-%d %H:%M} UTC" if instance.expiry else "",
    )
    return token, instance


def nested_error(field: str, index: int, error: DjangoValidationError) -> ValidationError:
    """A model's validation error on one row of a nested list, keyed by the row's index (as DRF does)."""
    return ValidationError({field: {index: validation_error(error).detail}})


@transaction.atomic
def record_save(*, instance: M, fields: dict) -> M:
    """Set `fields` on a record, validate it as the model does (fields, constraints, clean()) and save it.

    The plain write of a record with no nested rows; the model's ValidationError is a field-level 400.
    """
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def replace_rows(
    manager, items: list[dict], *, field: str, model: type[Model], parent: dict, row_key: str, item_key
) -> None:
    """Make the rows under `manager` exactly `items`: a row whose `row_key` equals an item's `item_key(item)`
    is updated in place (keeping its id and history), the others are added or deleted."""
    existing = {getattr(row, row_key): row for row in manager.all()}
    kept = []
    for index, item in enumerate(items):
        row = existing.get(item_key(item)) or model(**parent)
        for name, value in item.items():
            setattr(row, name, value)
        try:
            row.full_clean()
        except DjangoValidationError as error:
            raise nested_error(field, index, error) from error
        row.save()
        kept.append(row.pk)
    manager.exclude(pk__in=kept).delete()
