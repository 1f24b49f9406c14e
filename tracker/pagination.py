"""A paginator for long querysets (the review queue holds a hundred thousand articles) whose pages cost about
the same however long the list and however deep the page.

Django's Paginator counts the whole queryset on every request and reads a page with OFFSET, which fetches
every row before the page and throws it away. This one, given an ordered queryset:

- takes the count from the caller when it has it (`count=`); otherwise it counts no further than `cap` rows,
  or than the end of the page asked for if that is deeper. When it stops there, `capped` is True and `count`
  is a lower bound (shown as "1,000+"): the page asked for and the one after it exist, the last does not
  need to be known;
- reads a page's primary keys first (the OFFSET runs over the keys alone, which an index in the queryset's
  order answers without reading the table), then the page's rows by those keys, in the same order (which must
  be on the model's own fields), through `rows(queryset)`, which adds what a row shows (joins, annotations)
  to the page's rows only.

Below the cap it pages exactly as Django's Paginator does (tests/tracker/test_pagination.py compares them).
"""

from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        asked: object = None,
        count: int | None = None,
        cap: int | None = COUNT_CAP,
        rows: Callable[[QuerySet], QuerySet] | None = None,
    ):
        """`asked` is the page number the request asks for (as given; anything but a whole number is page 1);
        `cap` None counts every row."""
        super().__init__(object_list, per_page)
        self.known_count, self.rows = count, rows or (lambda queryset: queryset)
        self.limit = None if cap is None else max(cap, _whole_number(asked) * self.per_page) + 1

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return self.object_list.order_by()[: self.limit].count()

    @property
    def capped(self) -> bool:
        """Whether counting stopped at the cap: there are at least `count` rows, maybe many more."""
        return self.known_count is None and self.limit is not None and self.count >= self.limit

    @property
    def count_label(self) -> str:
        """The count for people: "1,234", or "1,000+" when counting stopped at the cap."""
        return f"{self.limit - 1:,}+" if self.capped else f"{self.count:,}"

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self.object_list.values("pk")[bottom : bottom + self.per_page]
        # The rows by their keys alone: the queryset's filters (a full-text match, say) are not evaluated again.
        rows = self.object_list.model._default_manager.filter(pk__in=keys).order_by(*self.object_list.query.order_by)
        return self._get_page(self.rows(rows), number, self)


def count_label(queryset: QuerySet, cap: int | None = COUNT_CAP) -> str:
    """How many rows the queryset holds, for people: exact up to `cap` ("312"), "1,000+" beyond (`cap` None:
    exact)."""
    count = queryset.order_by()[: None if cap is None else cap + 1].count()
    return f"{cap:,}+" if cap is not None and count > cap else f"{count:,}"


def _whole_number(value: object) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
