"""Reads of actors shaped for the API: one query per nested kind of row, whatever the page size."""

from django.db.models import F, Prefetch, QuerySet

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier


def actors_for_api() -> QuerySet[Actor]:
    """Actors with their country, aliases, identifiers and affiliations (each organisation joined)."""
    return Actor.objects.select_related("country").prefetch_related(
        Prefetch("aliases", queryset=Alias.objects.order_by("language", "name", "id")),
        Prefetch("identifiers", queryset=ExternalIdentifier.objects.order_by("scheme", "value")),
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organisation").order_by(
                F("start_date").desc(nulls_last=True), "id"
            ),
        ),
    )
