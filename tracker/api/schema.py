"""The OpenAPI schema's AutoSchema: request bodies from input serializers, validators and preconditions on
conditional views, the export formats of lists, and the error answers every operation can give (so a
client, and the schemathesis run in tests/api/test_schemathesis.py, can rely on the documented codes)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer

from .conditional import ConditionalMixin
from .export import ExportRenderer
from .permissions import RolePermissions

WRITE_ACTIONS = {"create", "update", "partial_update"}
VERSIONED_ACTIONS = {"update", "partial_update", "destroy"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _header(name: str, description: str) -> dict:
    return {"name": name, "in": "header", "required": False, "description": description, "schema": {"type": "string"}}


VALIDATORS = {
    "ETag": {
        "description": "A record's strong validator (for If-Match and If-None-Match); a list page's weak one "
        "(If-None-Match).",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "`updated_at` of the record (of the page's latest row).",
        "schema": {"type": "string"},
    },
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error other than invalid input: what went wrong, in a sentence.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Invalid input: each offending field (query parameter, body field, or `non_field_errors`) "
    "with its messages; a nested row's errors are keyed by its index. A body that cannot be read at all "
    "(malformed JSON) is `{detail}` instead.",
    "additionalProperties": {},
}
# What each error status means, for its description in the schema.
ERRORS = {
    400: "Invalid input; the body names each field or parameter that is wrong.",
    401: "Not signed in: no credentials, or a token that is unknown, expired or revoked.",
    403: "Signed in, but the user's role does not allow this (or a browser session without its CSRF token).",
    404: "No such record (or, on a list, no such page).",
    409: (
        "The write conflicts with other records: a delete others depend on, a unique value taken meanwhile, "
        "or an article another editor reviewed first."
    ),
    412: "Precondition failed: the record changed since you read it.",
    413: "The request body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, 1 MiB by default).",
    415: "The body is not JSON (send `Content-Type: application/json`).",
    428: "Precondition required: send If-Match or `updated_at`.",
    429: "Too many requests; try again after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}


class AutoSchema(SpectacularAutoSchema):
    """Views with an input serializer document it as the request body of their writes; the response
    is the view's (output) serializer. Conditional views document their validators and preconditions,
    lists their export formats, and every operation the errors it can answer with."""

    def get_request_serializer(self):
        input_class = getattr(self.view, "input_serializer_class", None)
        if input_class is not None and getattr(self.view, "action", None) in WRITE_ACTIONS:
            return input_class(partial=self.view.action == "partial_update")
        return super().get_request_serializer()

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def error_statuses(self, operation: dict) -> set[int]:
        """The error codes this operation can answer with (beyond those the view documents itself)."""
        parameters = operation.get("parameters", [])
        action = getattr(self.view, "action", None)
        statuses = {401, 429}
        role_checked = any(issubclass(cls, RolePermissions) for cls in getattr(self.view, "permission_classes", ()))
        csrf_checked = self.method in UNSAFE_METHODS and any(
            issubclass(cls, SessionAuthentication) for cls in getattr(self.view, "authentication_classes", ())
        )
        if role_checked or csrf_checked:
            statuses.add(403)
        # A body is read when one is documented, and by a versioned write (`updated_at` names the version).
        if "requestBody" in operation or action in VERSIONED_ACTIONS:
            statuses |= {400, 413, 415}
        if self.method in UNSAFE_METHODS and isinstance(self.view, ConditionalMixin):
            statuses.add(409)
        # Query parameters are parsed, and a bad one is a 400 (`format` only picks a renderer, or is ignored).
        if any(parameter["in"] == "query" and parameter["name"] != "format" for parameter in parameters):
            statuses.add(400)
        if any(parameter["in"] == "path" for parameter in parameters) or action == "list":
            statuses.add(404)
        if action in VERSIONED_ACTIONS:
            statuses |= {412, 428}
        return statuses

    def add_errors(self, operation: dict) -> None:
        responses = operation.setdefault("responses", {})
        error = self._component("Error", ERROR_SCHEMA)
        invalid = self._component("ValidationError", VALIDATION_ERROR_SCHEMA)
        # Errors are JSON; a view with another format of its own (the calendar) answers in it when that
        # is the only format the client accepts. The export formats of lists never carry errors.
        other_formats = [
            renderer.media_type
            for renderer in getattr(self.view, "renderer_classes", ())
            if not issubclass(renderer, JSONRenderer | ExportRenderer)
        ]
        declared = {int(code) for code in responses if code.isdigit() and int(code) in ERRORS}  # by the view
        for code in sorted(self.error_statuses(operation) | declared):
            documented = responses.setdefault(str(code), {"description": ERRORS[code]})
            content = {"application/json": {"schema": invalid if code == 400 else error}}
            content.update({media_type: {"schema": {"type": "string"}} for media_type in other_formats})
            documented.setdefault("content", content)
            if code == 429:
                documented["headers"] = RETRY_AFTER

    def document_exports(self, responses: dict) -> None:
        """A list also streams every matching row (tracker/api/export.py): `?format=json-stream` as one
        JSON array of the rows, `?format=csv` as CSV."""
        content = responses.get("200", {}).get("content", {})
        if "application/json" not in content:
            return
        page = content["application/json"]["schema"]
        row = self.resolve_serializer(self._get_serializer(), "response").ref
        content["application/json"]["schema"] = {"oneOf": [page, {"type": "array", "items": row}]}
        content["text/csv"] = {"schema": {"type": "string", "description": "Every matching row, as CSV."}}

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        action = getattr(self.view, "action", None)
        if isinstance(self.view, ConditionalMixin):
            self.document_conditional(operation, action)
        self.add_errors(operation)
        return operation

    def document_conditional(self, operation: dict, action: str | None) -> None:
        responses = operation.setdefault("responses", {})
        parameters = operation.setdefault("parameters", [])
        if action == "list":
            operation["description"] = (
                operation.get("description", "") + "\n\nExport: `?format=csv` (or `Accept: text/csv`) or "
                "`?format=json-stream` streams every row matching the filters, unpaginated."
            ).strip()
            self.document_exports(responses)
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


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """tracker.api.authentication.TokenAuthentication: a knox token as a bearer token."""

    target_class = "tracker.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token/ (username and password): "
            "`Authorization: Bearer <token>`; `Authorization: Token <token>` works too.",
        }
