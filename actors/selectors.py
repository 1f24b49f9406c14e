"""Reads about actors."""

import datetime

from django.db.models import Q, QuerySet

from .models import Actor, Affiliation
from .text import nfc


def _active_on(day: datetime.date) -> Q:
    return (Q(start_date__isnull=True) | Q(start_date__lte=day)) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def affiliation_overlaps(affiliation: Affiliation) -> QuerySet[Affiliation]:
    """Other actors' sole-holder affiliations with the same title and organisation over an overlapping period."""
    overlapping = Q()
    if affiliation.end_date is not None:
        overlapping &= Q(start_date__isnull=True) | Q(start_date__lte=affiliation.end_date)
    if affiliation.start_date is not None:
        overlapping &= Q(end_date__isnull=True) | Q(end_date__gte=affiliation.start_date)
    return (
        Affiliation.objects.filter(
            overlapping,
            title__iexact=affiliation.title,
            organisation_id=affiliation.organisation_id,
            sole_holder=True,
        )
        .exclude(actor_id=affiliation.actor_id)
        .exclude(pk=affiliation.pk)
        .select_related("actor", "organisation")
    )


def actor_holding(*, title: str, on: datetime.date, organisation: Actor | None = None) -> Actor | None:
    """Who held `title` (in `organisation`, if given) on `on`; None when nobody or several did."""
    holders = Affiliation.objects.filter(_active_on(on), title__iexact=nfc(title))
    if organisation is not None:
        holders = holders.filter(organisation=organisation)
    actor_ids = list(holders.values_list("actor_id", flat=True).distinct()[:2])
    if len(actor_ids) != 1:
        return None
    return Actor.objects.get(pk=actor_ids[0])
