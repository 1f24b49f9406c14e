import django_filters
from django.db.models import Exists, OuterRef, Q

from actors.models import Actor, Alias
from actors.text import alias_key
from negotiations.models import Track, TrackActor
from tracker.api.filters import RecordFilter


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices, help_text="Repeat for several kinds.")
    country = RecordFilter(model=Actor, field_name="country", help_text="The state an actor belongs to (id or slug).")
    track = RecordFilter(model=Track, method="filter_track", help_text="Actors in a track, in any role (id or slug).")
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name or of any alias, in any script (case-insensitive)."
    )

    class Meta:
        model = Actor
        fields = ("kind", "country", "track", "search")

    def filter_track(self, queryset, name, value: Track):
        return queryset.filter(Exists(TrackActor.objects.filter(track=value, actor=OuterRef("pk"))))

    def filter_search(self, queryset, name, value: str):
        by_alias = Alias.objects.filter(actor=OuterRef("pk"), normalized__contains=alias_key(value))
        return queryset.filter(Q(name__icontains=value) | Exists(by_alias))
