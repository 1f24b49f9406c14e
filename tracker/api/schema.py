from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

WRITE_ACTIONS = {"create", "update", "partial_update"}


class AutoSchema(SpectacularAutoSchema):
    """Views with an input serializer document it as the request body of their writes; the response
    is the view's (output) serializer."""

    def get_request_serializer(self):
        input_class = getattr(self.view, "input_serializer_class", None)
        if input_class is not None and getattr(self.view, "action", None) in WRITE_ACTIONS:
            return input_class(partial=self.view.action == "partial_update")
        return super().get_request_serializer()
