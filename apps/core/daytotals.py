"""Totals over all dates of a table whose rows keep, from the day they are created, the money they were created
with (money records, registration fees): the closed days' counts and sums are stored once (DayTotal), and only the
open days are added up live. A list of a million rows then totals in a few milliseconds instead of reading the table.

Used by `queryset_totals` for a list asked without any filter, of a model that says it keeps that rule
(`money_fixed_at_creation = True`).

A day is closed once CLOSED_AFTER days have passed since it ended, so that no transaction still open can yet commit
a row created on it. Rows are never created on a closed day (`created_at` is set on insert, to now), and rows of
such tables are neither deleted nor have their money changed; a table that breaks either rule must not use this.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.core.dates import day_start
from apps.core.models import DayTotal

CLOSED_AFTER = datetime.timedelta(days=2)


def queryset_totals(queryset, columns: tuple[str, ...]) -> dict:
    """{"count": rows, column: sum or None, …} of what `queryset` selects: from the stored days when it selects every
    row of a model whose money is fixed at creation, else added up by the database."""
    model = queryset.model
    if getattr(model, "money_fixed_at_creation", False) and not queryset.query.where:
        return all_dates_totals(model, columns)
    return _added_up(queryset, columns)


def all_dates_totals(model, columns: tuple[str, ...]) -> dict:
    """`queryset_totals` over every row of `model` (a `created_at` table): two queries, the stored days and the
    open days' rows, once the closed days are stored."""
    label = model._meta.label_lower
    last_closed = timezone.localdate() - CLOSED_AFTER
    stored = {day: (count, sums) for day, count, sums in DayTotal.objects.filter(table=label).values_list(
        "day", "count", "sums"
    )}  # fmt: skip
    stored |= _closed_days(model, columns, label, max(stored, default=None), last_closed)
    live = _added_up(model._default_manager.filter(created_at__gte=_day_after(last_closed)), columns)
    parts = [(count, sums) for day, (count, sums) in stored.items() if day <= last_closed]
    parts.append((live["count"], {column: live[column] for column in columns}))
    totals = {"count": sum(count for count, _ in parts)}
    for column in columns:
        values = [Decimal(sums[column]) for _, sums in parts if sums[column] is not None]
        totals[column] = sum(values, Decimal(0)) if values else None
    return totals


def _added_up(queryset, columns) -> dict:
    return queryset.order_by().aggregate(count=Count("pk"), **{column: Sum(column) for column in columns})


def _day_after(day: datetime.date) -> datetime.datetime:
    return day_start(day + datetime.timedelta(days=1))


def _closed_days(model, columns, label: str, stored_to, last_closed: datetime.date) -> dict:
    """Store the closed days after `stored_to` (from the table's first day if None), those without rows too, and
    return them: {day: (count, {column: sum as text, or None})}."""
    if stored_to is not None:
        first = stored_to + datetime.timedelta(days=1)
    else:
        oldest = model._default_manager.order_by().aggregate(at=Min("created_at"))["at"]
        if oldest is None:
            return {}
        first = timezone.localtime(oldest).date()
    if first > last_closed:
        return {}
    # An annotation may not take a column's own name: the day's sums are named sum_<column>.
    rows = (
        model._default_manager.filter(created_at__gte=day_start(first), created_at__lt=_day_after(last_closed))
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"), **{f"sum_{column}": Sum(column) for column in columns})
    )
    found = {row["day"]: (row["count"], {column: _text(row[f"sum_{column}"]) for column in columns}) for row in rows}
    empty = (0, dict.fromkeys(columns))
    days = {
        day: found.get(day, empty)
        for day in (first + datetime.timedelta(days=n) for n in range((last_closed - first).days + 1))
    }
    # Two lists asked at once may both store a day: the same figures, kept once.
    DayTotal.objects.bulk_create(
        [DayTotal(table=label, day=day, count=count, sums=sums) for day, (count, sums) in days.items()],
        ignore_conflicts=True,
    )
    return days


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
