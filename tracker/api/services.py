"""Writes of the API itself (issuing tokens) and the building blocks of the apps' API services."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from operator import or_
from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils import timezone
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework.exceptions import ValidationError
from simple_history.utils import bulk_update_with_history

from tracker.history import bulk_create_with_history
from tracker.models import AuditEvent
from tracker.services import audit_record

from .exceptions import validation_error

M = TypeVar("M", bound=Model)
Target = tuple[type[Model], Q]  # records to touch: a model and a condition on it

_deferred: ContextVar[dict[type[Model], set[Q]] | None] = ContextVar("deferred_touches", default=None)


def touch(targets: Iterable[Target]) -> None:
    """Move the `updated_at` of the records the targets name (tracker/api/freshness.py): now, one UPDATE
    per model, or at the end of the enclosing `touches_deferred()`."""
    pending = _deferred.get()
    if pending is None:
        _apply(_grouped(targets))
        return
    for model, condition in targets:
        pending.setdefault(model, set()).add(condition)


def _grouped(targets: Iterable[Target]) -> dict[type[Model], set[Q]]:
    groups: dict[type[Model], set[Q]] = {}
    for model, condition in targets:
        groups.setdefault(model, set()).add(condition)
    return groups


def _apply(groups: dict[type[Model], set[Q]]) -> None:
    """One UPDATE per model; the conditions naming one record by its key become one `pk__in`."""
    now = timezone.now()
    for model, conditions in groups.items():
        keys, others = [], []
        for condition in conditions:
            if len(condition.children) == 1 and condition.children[0][0] == "pk":
                keys.append(condition.children[0][1])
            else:
                others.append(condition)
        if keys:
            others.append(Q(pk__in=sorted(keys)))
        model._base_manager.filter(reduce(or_, others)).update(updated_at=now)


@contextmanager
def touches_deferred() -> Iterator[None]:
    """Collect the touches made inside (tracker/api/freshness.py) and make them once at the end: one
    UPDATE per model, whatever the number of rows written. Nested blocks join the outermost one; an
    error drops them (the transaction they belong to is rolled back). Use inside the transaction."""
    if _deferred.get() is not None:
        yield
        return
    pending: dict[type[Model], set[Q]] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _apply(pending)


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
    manager,
    items: list[dict],
    *,
    field: str,
    model: type[Model],
    parent: dict,
    row_key: str,
    item_key,
    prepare: Callable[[Model], None] | None = None,
) -> None:
    """Make the rows under `manager` exactly `items`: a row whose `row_key` equals an item's `item_key(item)`
    is updated in place (keeping its id and history), the others are added or deleted. `prepare(row)`
    sets derived fields (what the model's save() would).

    In a fixed number of queries whatever the number of rows: each row is validated in Python (no
    lookup of the parent it belongs to, no per-row constraint query), then the new rows go in one
    INSERT and the kept ones in one UPDATE, each with their history rows in one more (no signals: the
    parent is touched once, tracker/api/freshness.py). Should the database refuse them (a key given
    twice, a check constraint), the savepoint is rolled back and the rows are written one by one,
    validated as the model does, so that the 400 names the row."""
    existing = {getattr(row, row_key): row for row in manager.all()}
    new, kept = [], {}
    for index, item in enumerate(items):
        row = existing.get(item_key(item))
        if row is None:
            row = model(**parent)
            new.append(row)
        else:
            kept[row.pk] = row
        for name, value in item.items():
            setattr(row, name, value)
        if prepare is not None:
            prepare(row)
        try:
            # Not checked again: the parent, and the records the input names (read from the database).
            read = [name for name, value in item.items() if isinstance(value, Model) and value.pk is not None]
            row.full_clean(exclude=[*parent, *read], validate_unique=False, validate_constraints=False)
        except DjangoValidationError as error:
            raise nested_error(field, index, error) from error
    try:
        with transaction.atomic():
            _rows_write(model, new, list(kept.values()))
    except IntegrityError:
        _rows_save_one_by_one(
            manager, items, field=field, model=model, parent=parent, row_key=row_key, item_key=item_key, prepare=prepare
        )
        return
    manager.exclude(pk__in=[*kept, *(row.pk for row in new)]).delete()
    touch([(type(record), Q(pk=record.pk)) for record in parent.values()])


def _rows_write(model: type[Model], new: list[Model], changed: list[Model]) -> None:
    if new:
        bulk_create_with_history(new, model)
    if changed:
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "created_at"]
        bulk_update_with_history(changed, model, names)


def _rows_save_one_by_one(manager, items, *, field, model, parent, row_key, item_key, prepare) -> None:
    existing = {getattr(row, row_key): row for row in manager.all()}
    kept = []
    for index, item in enumerate(items):
        row = existing.get(item_key(item)) or model(**parent)
        for name, value in item.items():
            setattr(row, name, value)
        if prepare is not None:
            prepare(row)
        try:
            row.full_clean()
        except DjangoValidationError as error:
            raise nested_error(field, index, error) from error
        row.save()
        kept.append(row.pk)
    manager.exclude(pk__in=kept).delete()
