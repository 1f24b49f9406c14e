"""The change history of a record and of the rows that belong to it, as a page shows it: who, when, and each
field's value before and after the change (simple-history's `diff_against` between consecutive versions of
the same row; many-to-many fields tracked by simple-history from prefetched rows), newest first.

A fixed number of queries: one per history source, plus one per many-to-many field diffed; the HISTORY_LIMIT
latest rows of each source.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, Prefetch, QuerySet
from django.utils.text import capfirst

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    user: str
    action: str  # "Created", "Changed" or "Deleted"
    subject: str  # what changed: "Meeting", "Alias “Abu Mazen”"…
    changes: list[FieldChange]
    reason: str
    earlier_unknown: bool = False  # a change whose previous version falls outside the history shown


Formatter = Callable[[Model, str], str]


@dataclass(frozen=True)
class HistorySource:
    """The history rows of one model to show (history_source builds them), how to name each row's record,
    the fields shown in a way of their own, and the many-to-many fields diffed (prefetched with the rows)."""

    rows: QuerySet
    subject: Callable[[Model], str]
    formatters: dict[str, Formatter] = field(default_factory=dict)
    m2m: tuple[str, ...] = ()


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)


def shown(row: Model, name: str) -> str:
    model_field = row._meta.get_field(name)
    value = getattr(row, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        if model_field.is_cached(row):
            related = getattr(row, model_field.name)
            return str(related) if related is not None else f"#{value} (deleted)"
        return f"#{value}"
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _plain(value)


def history_source(
    model: type[Model],
    subject: Callable[[Model], str],
    *,
    named: tuple[type[Model], ...] = (),
    m2m: tuple[str, ...] = (),
    formatters: dict[str, Formatter] | None = None,
    **lookups,
) -> HistorySource:
    """The latest history rows of `model` matching `lookups`, with their user and the related records of the
    models in `named` joined (a diff shows them by name; other related records by id), and the many-to-many
    fields listed in `m2m` (tracked by simple-history's `m2m_fields`) prefetched with each related record
    joined, so that a diff reads everything from memory."""
    historical = model.history.model
    joined = [f.name for f in historical.tracked_fields if f.is_relation and f.related_model in named]
    prefetches = [
        Prefetch(
            _m2m_accessor(model, name),
            queryset=getattr(historical, name)
            .model.objects.select_related(_m2m_target(model, name))
            .order_by("m2m_history_id"),
        )
        for name in m2m
    ]
    rows = (
        historical.objects.filter(**lookups)
        .select_related("history_user", *joined)
        .prefetch_related(*prefetches)
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    return HistorySource(rows, subject, formatters or {}, m2m)


def _m2m_target(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).m2m_reverse_field_name()


def _m2m_accessor(model: type[Model], name: str) -> str:
    """The reverse accessor from a history row to its rows of the many-to-many field `name`."""
    m2m_history_model = getattr(model.history.model, name).model
    relation = next(r for r in model.history.model._meta.related_objects if r.related_model is m2m_history_model)
    return relation.get_accessor_name()


def _m2m_shown(model: type[Model], row: Model, name: str) -> str:
    target = _m2m_target(model, name)
    names = sorted(
        str(getattr(link, target) or f"#{getattr(link, f'{target}_id')}")
        for link in getattr(row, _m2m_accessor(model, name)).all()
    )
    return ", ".join(names) or "—"


def _entries(source: HistorySource) -> list[HistoryEntry]:
    rows = list(source.rows)
    by_object: dict[int, list] = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    entries = []
    for versions in by_object.values():
        versions.reverse()  # oldest first
        for index, row in enumerate(versions):
            user = row.history_user.get_username() if row.history_user is not None else "system"
            action = {"+": "Created", "~": "Changed", "-": "Deleted"}[row.history_type]
            previous = versions[index - 1] if index else None
            changes = []
            if previous is not None and row.history_type == "~":
                names = [f.name for f in row.tracked_fields if f.editable]
                for change in row.diff_against(previous, included_fields=names).changes:
                    format_value = source.formatters.get(change.field, shown)
                    changes.append(
                        FieldChange(
                            label=capfirst(row._meta.get_field(change.field).verbose_name),
                            before=format_value(previous, change.field),
                            after=format_value(row, change.field),
                        )
                    )
                model = row.instance_type
                for name in source.m2m:
                    before, after = _m2m_shown(model, previous, name), _m2m_shown(model, row, name)
                    if before != after:
                        changes.append(FieldChange(capfirst(model._meta.get_field(name).verbose_name), before, after))
            entries.append(
                HistoryEntry(
                    at=row.history_date,
                    user=user,
                    action=action,
                    subject=source.subject(row),
                    changes=changes,
                    reason=row.history_change_reason or "",
                    earlier_unknown=previous is None and row.history_type == "~",
                )
            )
    return entries


def history_of(sources: list[HistorySource]) -> list[HistoryEntry]:
    """The change history of a record and its parts, newest first: who, when, and each field's before and
    after (simple-history's diff between consecutive versions of the same row)."""
    entries = [entry for source in sources for entry in _entries(source)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:HISTORY_LIMIT]
