"""Page-number pagination by default; cursor pagination for clients that sync everything.

- `?page=N&page_size=M`: {count, next, previous, results}; 50 a page by default, at most 500.
- `?pagination=cursor` (and then the `cursor` of each `next` link): {next, previous, results}, in
  id order, with no count query; stable while rows are added, so a mirror can walk the whole set.
  A cursor page is ordered by id, so `ordering` cannot be combined with it.

A `page` or `page_size` that is not a positive integer, and a cursor that is not one a link gave, are
400s naming the parameter; a larger page size is capped at 500; a page past the last one is a 404.

A full-text search (`?search=`, tracker/search.py) in page pagination reaches its first 1,000 matches
in the list's order, best first unless `ordering` is given; its count stops at 1,000, and
`count_is_capped` says so (show "1,000+"). Cursor pagination walks every match, in id order.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from tracker import search

from .filters import MAX_ID

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MODES = ("page", "cursor")


def positive_int(request, name: str) -> int | None:
    """The query parameter `name` as a positive integer; None when absent or empty; else a 400."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValidationError({name: ["A positive integer."]})
    return int(value)


def page_size(request, param: str) -> int:
    size = positive_int(request, param)
    return PAGE_SIZE if size is None else min(size, MAX_PAGE_SIZE)


class SyncCursorPagination(CursorPagination):
    ordering = ("id",)
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor = "Invalid cursor: use the `next` or `previous` link as given."

    def get_ordering(self, request, queryset, view):
        return self.ordering

    def get_page_size(self, request):
        return page_size(request, self.page_size_query_param)

    def decode_cursor(self, request):
        """DRF's cursor, refused (400) unless its position is an id: the rows are in id order, and a
        position that is not a number would reach the database as one."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from None
        position = None if cursor is None else cursor.position
        if position is not None and not (position.isascii() and position.isdigit() and int(position) <= MAX_ID):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]})
        return cursor


class PagePagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def __init__(self):
        self.cursor = None
        self.capped = False

    def get_page_size(self, request):
        return page_size(request, self.page_size_query_param)

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param, "").strip() in self.last_page_strings:
            return paginator.num_pages
        return positive_int(request, self.page_query_param) or 1

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
        is_search = search.is_search(queryset)
        if is_search:
            queryset = search.FirstMatches(queryset, by_rank=not request.query_params.get("ordering", "").strip())
        rows = super().paginate_queryset(queryset, request, view)
        self.capped = is_search and self.page.paginator.count >= search.CAP
        return rows

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Rows matching the filters (page pagination only); a search's stops at "
                    f"{search.CAP:,}.",
                },
                "count_is_capped": {
                    "type": "boolean",
                    "description": f"True when a search's count reached {search.CAP:,}: there may be more "
                    f'matches than the pages reach (show "{search.CAP:,}+"). Page pagination only.',
                },
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
