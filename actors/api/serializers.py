"""Actor serializers: the output shapes (also the brief form other resources nest) and the input."""

from rest_framework import serializers

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
from actors.text import alias_key
from tracker.api.serializers import IdOrSlugRelatedField, StrictFieldsMixin, unique_items

MAX_NESTED = 200


class ActorBriefSerializer(serializers.ModelSerializer):
    """An actor as other records show it."""

    class Meta:
        model = Actor
        fields = ("id", "slug", "name", "kind")


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ("id", "name", "language", "script", "kind")


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalIdentifier
        fields = ("scheme", "value")


class AffiliationSerializer(serializers.ModelSerializer):
    organisation = ActorBriefSerializer(allow_null=True)

    class Meta:
        model = Affiliation
        fields = ("id", "title", "organisation", "start_date", "end_date", "sole_holder")


class ActorSerializer(serializers.ModelSerializer):
    country = ActorBriefSerializer(allow_null=True)
    aliases = AliasSerializer(many=True)
    identifiers = IdentifierSerializer(many=True)
    affiliations = AffiliationSerializer(many=True)

    class Meta:
        model = Actor
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "country",
            "description",
            "aliases",
            "identifiers",
            "affiliations",
            "created_at",
            "updated_at",
        )


# Input ----------------------------------------------------------------------


class AliasInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An alias in any script; stored in Unicode NFC, its script detected when left blank."""

    class Meta:
        model = Alias
        fields = ("name", "language", "script", "kind")


class AffiliationInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An affiliation; with `id` it updates that one, without it adds one."""

    id = serializers.IntegerField(required=False, min_value=1)
    organisation = IdOrSlugRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Affiliation
        fields = ("id", "title", "organisation", "start_date", "end_date", "sole_holder")

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["The end date is before the start date."]})
        return attrs


class ActorInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An actor; `aliases` and `affiliations`, when given, replace the actor's (absent: left as they are).

    Aliases are matched by their comparison key (NFC, case-folded), so re-sending an alias with
    another language updates it rather than adding a twin.
    """

    country = IdOrSlugRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False)
    aliases = AliasInputSerializer(many=True, required=False, max_length=MAX_NESTED)
    affiliations = AffiliationInputSerializer(many=True, required=False, max_length=MAX_NESTED)

    class Meta:
        model = Actor
        fields = ("name", "slug", "kind", "country", "description", "aliases", "affiliations")

    def validate_country(self, country: Actor | None) -> Actor | None:
        if country is None:
            return None
        if country.kind != Actor.Kind.STATE:
            raise serializers.ValidationError(f"{country} is not a state (its kind is {country.kind}).")
        if self.instance is not None and country.pk == self.instance.pk:
            raise serializers.ValidationError("An actor cannot be its own country.")
        return country

    def validate_aliases(self, aliases: list[dict]) -> list[dict]:
        unique_items(aliases, lambda alias: alias_key(alias["name"]), "The same alias is given twice.")
        return aliases

    def validate_affiliations(self, affiliations: list[dict]) -> list[dict]:
        owned = set(self.instance.affiliations.values_list("pk", flat=True)) if self.instance is not None else set()
        errors = {
            index: {"id": [f"This actor has no affiliation with id {item['id']}."]}
            for index, item in enumerate(affiliations)
            if "id" in item and item["id"] not in owned
        }
        if errors:
            raise serializers.ValidationError(errors)
        unique_items(affiliations, lambda item: item.get("id") or id(item), "The same affiliation is given twice.")
        return affiliations
