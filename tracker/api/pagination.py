"""Page-number pagination by default; cursor pagination for clients that sync everything.

- `?page=N&page_size=M`: {count, next, previous, results}; 50 a page by default, at most 500.
- `?pagination=cursor` (and then the `cursor` of each `next` link): {next, previous, results}, in
  id order, with no count query; stable while rows are added, so a mirror can walk the whole set.
  A cursor page is ordered by id, so `ordering` cannot be combined with it.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MODES = ("page", "cursor")


class SyncCursorPagination(CursorPagination):
    ordering = ("id",)
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return self.ordering


class PagePagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def __init__(self):
        self.cursor = None

    def paginate_queryset(self, queryset, request, view=None):
        mode = request.query_params.get("pagination", "cursor" if "cursor" in request.query_params else "page")
        if mode not in MODES:
            raise ValidationError({"pagination": [f"Choose one of: {', '.join(MODES)}."]})
        if mode == "cursor":
            if request.query_params.get("ordering"):
                raise ValidationError(
                    {"ordering": ["Cursor pagination always orders by id; drop `ordering` or use page pagination."]}
                )
            self.cursor = SyncCursorPagination()
            return self.cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Rows matching the filters (page pagination only)."},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "pagination",
                "required": False,
                "in": "query",
                "description": "`page` (default): numbered pages with a count. `cursor`: id order, no count, "
                "for clients that sync everything; follow `next` until it is null.",
                "schema": {"type": "string", "enum": list(MODES)},
            },
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number (page pagination).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link (cursor pagination).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: {PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
