"""Reads: upload progress of batches, rows to look at, and the finance view by supplier and month."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from apps.supplier_finance.models import Batch, Invoice, Purchase, Status

OPEN = (Status.PENDING, Status.SENDING, Status.UNKNOWN)


def _status_counts():
    return {f"n_{value}": Count("purchases", filter=Q(purchases__status=value)) for value in Status.values}


def batches_recent(*, limit: int = 20):
    return Batch.objects.select_related("created_by").annotate(n_total=Count("purchases"), **_status_counts())[:limit]


def batch_progress(*, batch: Batch) -> dict:
    """Rows per status, and how many are finished (已上传 or 失败, waiting for nobody but a person)."""
    counts = dict(batch.purchases.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    per_status = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    done = counts.get(Status.UPLOADED, 0) + counts.get(Status.FAILED, 0)
    return {
        "total": total,
        "per_status": per_status,
        "uploaded": counts.get(Status.UPLOADED, 0),
        "done": done,
        "percent": round(100 * done / total) if total else 100,
        "active": any(counts.get(value, 0) for value in OPEN),
    }


def purchases_of_batch(*, batch: Batch):
    return batch.purchases.order_by("id").prefetch_related("invoices")


def purchases_needing_attention(*, limit: int = 50):
    return Purchase.objects.filter(status__in=(Status.FAILED, Status.UNKNOWN)).order_by("-updated_at")[:limit]


def _invoices(*, supplier: str = "", month=None, pay_flag: str = ""):
    rows = Invoice.objects.all()
    if supplier:
        rows = rows.filter(purchase__spler_name__icontains=supplier)
    if month is not None:
        rows = rows.filter(
            purchase__purc_retn_stoin_time__year=month.year, purchase__purc_retn_stoin_time__month=month.month
        )
    if pay_flag == "1":
        rows = rows.filter(pay_flag="1")
    elif pay_flag == "0":
        rows = rows.exclude(pay_flag="1")  # the guide: 0 未支付; an empty flag is not paid either
    return rows


def finance_summary(*, supplier: str = "", month=None, pay_flag: str = "") -> list[dict]:
    """Per supplier, month and kind: records, invoices, amounts, tax, and the paid / unpaid split."""
    paid = Q(pay_flag="1")
    return list(
        _invoices(supplier=supplier, month=month, pay_flag=pay_flag)
        .annotate(month=TruncMonth("purchase__purc_retn_stoin_time"))
        .values("purchase__spler_name", "month", "purchase__kind")
        .annotate(
            records=Count("purchase", distinct=True),
            invoices=Count("id"),
            amount=Sum("taxAmount"),
            tax=Sum("taxrateAmount"),
            paid=Sum("taxAmount", filter=paid),
            unpaid=Sum("taxAmount", filter=~paid),
        )
        .order_by("purchase__spler_name", "month", "purchase__kind")
    )


def finance_invoices(*, supplier: str = "", month=None, pay_flag: str = ""):
    return (
        _invoices(supplier=supplier, month=month, pay_flag=pay_flag)
        .select_related("purchase")
        .order_by("purchase__spler_name", "purchase__purc_retn_stoin_time", "purchase_id", "position")
    )
