import django_filters
from django.db.models import Exists, OuterRef, Q

from actors.models import Actor, Alias
from actors.text import alias_key
from tracker.api.filters import RecordFilter

# An actor's roles in tracks are negotiations' rows pointing at it (the reverse relation `track_roles`): reached
# through the relation, so actors/ imports no other app.
TRACK_ROLE = Actor.track_roles.rel.related_model
TRACK = TRACK_ROLE._meta.get_field("track").related_model


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices, help_text="Repeat for several kinds.")
    country = RecordFilter(model=Actor, field_name="country", help_text="The state an actor belongs to (id or slug).")
    track = RecordFilter(model=TRACK, method="filter_track", help_text="Actors in a track, in any role (id or slug).")
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name or of any alias, in any script (case-insensitive)."
    )

    class Meta:
        model = Actor
        fields = ("kind", "country", "track", "search")

    def filter_track(self, queryset, name, value: TRACK):  # the annotation types the schema's parameter
        return queryset.filter(Exists(TRACK_ROLE.objects.filter(track=value, actor=OuterRef("pk"))))

    def filter_search(self, queryset, name, value: str):
        by_alias = Alias.objects.filter(actor=OuterRef("pk"), normalized__contains=alias_key(value))
        return queryset.filter(Q(name__icontains=value) | Exists(by_alias))
