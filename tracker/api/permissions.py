"""Permissions that follow the role groups (tracker/roles.py) for list querysets, objects and nested rows.

DRF's DjangoModelPermissions lets any authenticated user read; here reading needs the model's `view`
permission too, so a user without a role gets 403 everywhere. Roles are global (no per-object
grants), so an object is allowed exactly when its model is: the object check repeats the model
check rather than asking the auth backend for object permissions it does not have.
"""

from django.db.models import Model
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def model_permission(model: type[Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RolePermissions(BasePermission):
    """The model permission for the request's action, plus those of the rows a write nests.

    A view may set:
    - `action_permissions`: {viewset action: model action}, for extra actions such as
      `accept` (a change of an article, not an addition);
    - `nested_models`: models whose rows a write of this resource creates, changes or deletes
      (an actor's aliases), so a role needs add, change and delete on them to write the parent.
    """

    @staticmethod
    def model_of(view) -> type[Model]:
        """The view's model, without building its queryset (a selector with annotations costs
        milliseconds to build): a `model` attribute, the serializer's model, or the queryset's."""
        model = getattr(view, "model", None)
        if model is None and hasattr(view, "get_serializer_class"):
            model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        return model or view.get_queryset().model

    def required_permissions(self, request, view) -> list[str]:
        model = self.model_of(view)
        action = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action is None:
            if request.method not in METHOD_ACTIONS:
                raise MethodNotAllowed(request.method)
            action = METHOD_ACTIONS[request.method]
        permissions = [model_permission(model, "view"), model_permission(model, action)]
        if action != "view":
            permissions += [
                model_permission(nested, nested_action)
                for nested in getattr(view, "nested_models", ())
                for nested_action in ("view", "add", "change", "delete")
            ]
        return sorted(set(permissions))

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # no such operation here: the view answers 405, whoever asks
        return user.has_perms(self.required_permissions(request, view))

    def has_object_permission(self, request, view, obj) -> bool:
        return self.has_permission(request, view)
