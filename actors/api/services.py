"""Writes of actors for the API: the actor and, in the same transaction, its aliases and affiliations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from actors.models import Actor, Affiliation, Alias
from actors.text import alias_key, nfc
from tracker.api.services import nested_error, record_save


@transaction.atomic
def actor_save(
    *, instance: Actor | None, aliases: list[dict] | None = None, affiliations: list[dict] | None = None, **fields
) -> Actor:
    """Create or update an actor; `aliases` / `affiliations`, when given, replace the actor's."""
    if "name" in fields:
        fields["name"] = nfc(fields["name"])
    actor = record_save(instance=instance or Actor(), fields=fields)
    if aliases is not None:
        _replace_aliases(actor, aliases)
    if affiliations is not None:
        _replace_affiliations(actor, affiliations)
    return actor


def _replace_aliases(actor: Actor, items: list[dict]) -> None:
    """The actor's aliases become `items`; one already there under the same comparison key is updated."""
    existing = {alias.normalized: alias for alias in actor.aliases.all()}
    kept = []
    for index, item in enumerate(items):
        key = alias_key(item["name"])
        alias = existing.get(key) or Alias(actor=actor)
        for name, value in item.items():
            setattr(alias, name, value)
        # Alias.save() derives these too; set first so that validation sees the stored forms.
        alias.name, alias.normalized = nfc(alias.name), key
        try:
            alias.full_clean()
        except DjangoValidationError as error:
            raise nested_error("aliases", index, error) from error
        alias.save()
        kept.append(alias.pk)
    actor.aliases.exclude(pk__in=kept).delete()


def _replace_affiliations(actor: Actor, items: list[dict]) -> None:
    """The actor's affiliations become `items`: those with an id are updated, the others added."""
    existing = {affiliation.pk: affiliation for affiliation in actor.affiliations.all()}
    actor.affiliations.exclude(pk__in=[item["id"] for item in items if "id" in item]).delete()
    for index, item in enumerate(items):
        affiliation = existing[item["id"]] if "id" in item else Affiliation(actor=actor)
        for name, value in item.items():
            if name != "id":
                setattr(affiliation, name, value)
        affiliation.title = nfc(affiliation.title)
        try:
            affiliation.full_clean()
        except DjangoValidationError as error:
            raise nested_error("affiliations", index, error) from error
        affiliation.save()
