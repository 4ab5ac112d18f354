"""Counting a list over a table that grows by the million, for its pages: exactly up to ten thousand rows; beyond,
the whole table is the planner's estimate ("约 1,000,000 条") and a filtered part is "超过一万条". An exact count of
a million rows reads them all (a tenth to a quarter of a second) to print one number nobody needs to the last digit."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

CAP = 10_000


class RoughCount(int):
    """A count that is not exact: an estimate, or a floor (more than CAP). Its text says which; as a number it pages
    like any count."""

    def __new__(cls, value: int, *, estimated: bool):
        count = super().__new__(cls, value)
        count.estimated = estimated
        return count

    def __str__(self):
        if not self.estimated:
            return "超过一万"
        # Three significant digits: an estimate printed to the unit would pass for a count.
        return f"约 {round(int(self), 3 - len(str(int(self)))):,}"

    @property
    def text(self) -> str:
        return f"{self} 条" if self.estimated else f"{self}条"


def count_rows(queryset) -> int:
    """The rows of `queryset`: exact up to CAP, else a RoughCount."""
    if not queryset.query.where:  # the whole table
        estimate = _estimate(queryset)
        if estimate is not None and estimate > CAP:
            return RoughCount(estimate, estimated=True)
    # The rows past CAP are never read: COUNT(*) over a subquery with LIMIT, which selects only the key (not the
    # annotations, e.g. a movement's status subqueries, that a filter does not use).
    count = queryset.order_by().values("pk")[: CAP + 1].count()
    return count if count <= CAP else RoughCount(count, estimated=False)


def _estimate(queryset) -> int | None:
    """PostgreSQL's own estimate of the table's rows, scaled to its current size as the planner does; None elsewhere
    or before the table was first analysed."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN reltuples < 0 THEN NULL WHEN relpages = 0 THEN reltuples"
            " ELSE reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int) END"
            " FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


class LargeListPaginator(Paginator):
    """A Paginator whose count is `count_rows`: past a capped count, its pages end at page CAP / per_page + 1."""

    @cached_property
    def count(self):
        return count_rows(self.object_list)
