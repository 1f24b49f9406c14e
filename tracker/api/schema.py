from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .conditional import ConditionalMixin

WRITE_ACTIONS = {"create", "update", "partial_update"}
VERSIONED_ACTIONS = {"update", "partial_update", "destroy"}


def _header(name: str, description: str) -> dict:
    return {"name": name, "in": "header", "required": False, "description": description, "schema": {"type": "string"}}


VALIDATORS = {
    "ETag": {"description": "Weak validator of this record or page.", "schema": {"type": "string"}},
    "Last-Modified": {
        "description": "`updated_at` of the record (of the page's latest row).",
        "schema": {"type": "string"},
    },
}


class AutoSchema(SpectacularAutoSchema):
    """Views with an input serializer document it as the request body of their writes; the response
    is the view's (output) serializer. Conditional views document their validators and preconditions."""

    def get_request_serializer(self):
        input_class = getattr(self.view, "input_serializer_class", None)
        if input_class is not None and getattr(self.view, "action", None) in WRITE_ACTIONS:
            return input_class(partial=self.view.action == "partial_update")
        return super().get_request_serializer()

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        action = getattr(self.view, "action", None)
        if operation is None or not isinstance(self.view, ConditionalMixin):
            return operation
        responses = operation.setdefault("responses", {})
        parameters = operation.setdefault("parameters", [])
        if action == "list":
            operation["description"] = (
                operation.get("description", "") + "\n\nExport: `?format=csv` (or `Accept: text/csv`) or "
                "`?format=json-stream` streams every row matching the filters, unpaginated."
            ).strip()
        if action in ("list", "retrieve"):
            parameters.append(_header("If-None-Match", "The ETag of your last read: 304 if it is still current."))
            if action == "retrieve":
                parameters.append(_header("If-Modified-Since", "An HTTP date: 304 if unchanged since (details only)."))
            if "200" in responses:
                responses["200"]["headers"] = VALIDATORS
            responses["304"] = {"description": "Not modified: your copy is current.", "headers": VALIDATORS}
        elif action in VERSIONED_ACTIONS:
            parameters.append(
                _header(
                    "If-Match",
                    "The ETag of your last read of this record. Every update and delete names the version "
                    "it changes: this header, or `updated_at` (as read) in the body. A stale version is a 412; "
                    "naming none is a 428 (unless API_REQUIRE_WRITE_PRECONDITION is turned off).",
                )
            )
            responses["412"] = {"description": "Precondition failed: the record changed since you read it."}
            responses["428"] = {"description": "Precondition required: send If-Match or `updated_at`."}
        return operation
