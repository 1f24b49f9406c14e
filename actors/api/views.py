from actors.models import Affiliation, Alias
from tracker.api.views import RecordViewSet

from .filters import ActorFilter
from .selectors import actors_for_api
from .serializers import ActorInputSerializer, ActorSerializer
from .services import actor_save


class ActorViewSet(RecordViewSet):
    """People, states, groups and bodies, with their aliases (any script), identifiers and affiliations.

    Create an actor with its aliases in one request; `aliases` and `affiliations` sent on an update
    replace the actor's.
    """

    serializer_class = ActorSerializer
    input_serializer_class = ActorInputSerializer
    filterset_class = ActorFilter
    ordering_fields = ("name", "kind", "created_at", "updated_at")
    ordering = ("name",)
    nested_models = (Alias, Affiliation)

    def get_queryset(self):
        return actors_for_api()

    def write(self, *, instance, data: dict):
        return actor_save(instance=instance, **data)
