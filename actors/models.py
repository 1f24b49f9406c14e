"""Actors: people, states, groups and bodies, with their names and roles over time."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tracker.models import TimeStampedModel

from .text import alias_key, detect_script, nfc


class Actor(TimeStampedModel):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        STATE = "state", "State"
        GOVERNMENT = "government", "Government"
        ARMED_GROUP = "armed_group", "Armed or political group"
        INTERNATIONAL_BODY = "international_body", "International body"
        ORGANISATION = "organisation", "Organisation"
        MEDIA = "media", "Media outlet"

    name = models.CharField(max_length=200, help_text="The name the tracker displays, in English.")
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    country = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nationals",
        limit_choices_to={"kind": Kind.STATE},
        help_text="The state a person, government or group belongs to.",
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["kind", "name"], name="actors_actor_kind_name_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="actors_actor_name_not_blank"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "person",
                        "state",
                        "government",
                        "armed_group",
                        "international_body",
                        "organisation",
                        "media",
                    ]
                ),
                name="actors_actor_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(country=F("id")), name="actors_actor_not_own_country"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actor", kwargs={"slug": self.slug})


class Alias(TimeStampedModel):
    """Another name for an actor, in any language and script, stored in Unicode NFC."""

    class Kind(models.TextChoices):
        NAME = "name", "Name or spelling"
        ABBREVIATION = "abbreviation", "Abbreviation"
        NICKNAME = "nickname", "Nickname"
        FORMER = "former", "Former name"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, editable=False, db_index=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 code: en, ar, he, fa…")
    script = models.CharField(max_length=4, blank=True, help_text="ISO 15924 code; detected when left blank.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NAME)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "normalized"], name="actors_alias_unique_per_actor"),
            models.CheckConstraint(condition=~Q(normalized=""), name="actors_alias_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language or '?'})"

    def save(self, *args, **kwargs):
        # Derived columns, kept beside the name so every write path (admin,
        # API, fixtures, services) stores the same canonical forms.
        self.name = nfc(self.name)
        self.normalized = alias_key(self.name)
        if not self.script:
            self.script = detect_script(self.name)
        super().save(*args, **kwargs)


class ExternalIdentifier(TimeStampedModel):
    class Scheme(models.TextChoices):
        WIKIDATA = "wikidata", "Wikidata"
        VIAF = "viaf", "VIAF"
        ISNI = "isni", "ISNI"
        ACLED = "acled", "ACLED actor"
        WEBSITE = "website", "Official website"
        OTHER = "other", "Other"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    value = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="actors_externalidentifier_unique_value"),
            models.CheckConstraint(condition=~Q(value=""), name="actors_externalidentifier_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class Affiliation(TimeStampedModel):
    """A role an actor held, in an organisation, over a period ("Prime Minister of Israel")."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    title = models.CharField(max_length=200, help_text='The office or role, e.g. "Prime Minister".')
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="Blank while the role is held.")
    sole_holder = models.BooleanField(
        default=True, help_text="Only one actor holds this title in this organisation at a time."
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["title", "start_date"], name="actors_affiliation_title_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="actors_affiliation_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(organisation=F("actor")), name="actors_affiliation_not_self"),
        ]

    def __str__(self) -> str:
        where = f", {self.organisation}" if self.organisation_id else ""
        return f"{self.actor}: {self.title}{where}"

    def clean(self) -> None:
        from .selectors import affiliation_overlaps

        super().clean()
        if self.actor_id and self.sole_holder:
            clash = affiliation_overlaps(self).first()
            if clash is not None:
                raise ValidationError(f"{clash.actor} holds this title over an overlapping period ({clash}).")
