"""Writes of actors for the API: the actor and, in the same transaction, its aliases and affiliations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from actors.models import Actor, Affiliation, Alias
from actors.text import alias_key, detect_script, nfc
from tracker.api.services import nested_error, record_save, replace_rows, touches_deferred


@transaction.atomic
@touches_deferred()
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
    replace_rows(
        actor.aliases,
        items,
        field="aliases",
        model=Alias,
        parent={"actor": actor},
        row_key="normalized",
        item_key=lambda item: alias_key(item["name"]),
        prepare=_alias_derived,
    )


def _alias_derived(alias: Alias) -> None:
    """What Alias.save() derives, set before validation so that it sees the stored forms."""
    alias.name = nfc(alias.name)
    alias.normalized = alias_key(alias.name)
    if not alias.script:
        alias.script = detect_script(alias.name)


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
