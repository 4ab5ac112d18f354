"""Local days as moments: a filter on "created on these days" written as a range of the stored column, so that the
column's index serves it (`created_at__date__gte` makes the database convert every row's time first)."""

import datetime

from django.db.models import Q
from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def on_days(field: str, start: datetime.date | None = None, end: datetime.date | None = None) -> Q:
    """`field` (a date-time) within the local days `start` to `end`, both included; either may be open."""
    condition = Q()
    if start:
        condition &= Q(**{f"{field}__gte": day_start(start)})
    if end:
        condition &= Q(**{f"{field}__lt": day_start(end + datetime.timedelta(days=1))})
    return condition
