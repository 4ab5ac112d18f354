"""Reads for finance's screens and the API."""

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from apps.reconciliation.models import (
    Category,
    CheckFile,
    DetailResult,
    Direction,
    Discrepancy,
    DiscrepancyNote,
    FetchAttempt,
    FileState,
    GatewayCheck,
    GatewayDetail,
    GatewayDetailLine,
)


def current_file(day: datetime.date) -> CheckFile | None:
    return CheckFile.objects.filter(bill_date=day, state=FileState.CURRENT).first()


def day_files(day: datetime.date):
    """Every file received for the day, newest first: the current one, those it replaced, refused uploads and
    imports still running."""
    return CheckFile.objects.filter(bill_date=day).select_related("received_by").order_by("-id")


def recent_days(limit: int = 30):
    return CheckFile.objects.filter(state=FileState.CURRENT).order_by("-bill_date")[:limit]


def category_counts(file: CheckFile | None) -> list[dict]:
    """Per category: how many, how many explained."""
    found = {}
    if file is not None:
        rows = (
            Discrepancy.objects.filter(file=file)
            .values("category")
            .annotate(total=Count("id"), explained=Count("id", filter=Q(explained=True)))
        )
        found = {row["category"]: row for row in rows}
    return [
        {"category": value, "label": label, "total": found.get(value, {}).get("total", 0),
         "explained": found.get(value, {}).get("explained", 0)}
        for value, label in Category.choices
    ]  # fmt: skip


def discrepancies(*, file: CheckFile, category: str = "", direction: str = "", explained: str = "", order_no=""):
    rows = Discrepancy.objects.filter(file=file)
    if category in Category.values:
        rows = rows.filter(category=category)
    if direction in Direction.values:
        rows = rows.filter(direction=direction)
    if explained in ("yes", "no"):
        rows = rows.filter(explained=explained == "yes")
    if order_no:
        rows = rows.filter(order_no__icontains=order_no.strip()[:64])
    latest = DiscrepancyNote.objects.filter(discrepancy=OuterRef("pk")).order_by("-id")
    return rows.annotate(
        note_text=Subquery(latest.values("text")[:1]),
        note_at=Subquery(latest.values("created_at")[:1]),
        note_by=Subquery(latest.values("author__username")[:1]),
    ).order_by("category", "order_no", "id")


def discrepancy_notes(discrepancy: Discrepancy):
    return discrepancy.notes.select_related("author").order_by("-id")


def gateway_checks(day: datetime.date):
    return GatewayCheck.objects.filter(bill_date=day).order_by("insutype", "clr_type", "setl_optins")


DETAIL_SHOWN = 500


def gateway_details(day: datetime.date):
    """The day's 3202 results: each with how many settlements agreed and its other lines (the first
    DETAIL_SHOWN), as `differences`."""
    matched = Q(lines__result=DetailResult.MATCHED)
    differences = GatewayDetailLine.objects.exclude(result=DetailResult.MATCHED).order_by("result", "id")
    return (
        GatewayDetail.objects.filter(bill_date=day)
        .annotate(matched=Count("lines", filter=matched), differing=Count("lines", filter=~matched))
        .prefetch_related(Prefetch("lines", queryset=differences[:DETAIL_SHOWN], to_attr="differences"))
        .order_by("clr_type", "setl_optins")
    )


def fetch_attempts(day: datetime.date):
    return FetchAttempt.objects.filter(bill_date=day).order_by("-id")[:10]


def chart_series(*, end: datetime.date, days: int = 30) -> dict:
    """The last `days` days up to `end`: collected, refunded (as a positive amount) and discrepancies, from each
    day's current file (a day without one is empty)."""
    start = end - datetime.timedelta(days=days - 1)
    files = {
        f.bill_date: f.summary
        for f in CheckFile.objects.filter(state=FileState.CURRENT, bill_date__gte=start, bill_date__lte=end)
    }
    labels, collected, refunded, problems = [], [], [], []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        summary = files.get(day)
        labels.append(f"{day.month}月{day.day}日")
        collected.append(str(Decimal(summary["payment_amount"])) if summary else None)
        refunded.append(str(-Decimal(summary["refund_amount"])) if summary else None)
        problems.append(sum(summary.get(name, 0) for name in Category.values) if summary else None)
    return {"labels": labels, "collected": collected, "refunded": refunded, "discrepancies": problems}
