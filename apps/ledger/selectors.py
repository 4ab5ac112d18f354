"""Reading bills and money: the way other apps and the staff screens read the ledger."""

from django.db.models import Q
from django.utils import timezone

from apps.core.dates import on_days
from apps.core.daytotals import queryset_totals
from apps.core.refs import refers_to, refers_to_any
from apps.integrations.models import Exchange, Outcome
from apps.ledger.kinds import bill_kinds
from apps.ledger.models import Bill, BillState, Kind, MoneyMovement


def bills_open(*, patient):
    """The patient's open bills of registered kinds that have not expired, oldest first."""
    return (
        Bill.objects.select_related("patient")
        .prefetch_related("items")
        .filter(patient=patient, state=BillState.OPEN, kind__in=[key for key, _ in bill_kinds.choices()])
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("created_at", "id")
    )


def settled_bill_find(*, patient, org_trace_no: str = "") -> Bill | None:
    """The bill settled under `org_trace_no`, or the patient's latest settled bill."""
    bills = Bill.objects.filter(patient=patient, settlement__isnull=False)
    if org_trace_no:
        bills = bills.filter(org_trace_no=org_trace_no)
    return bills.order_by("-settled_at", "-id").first()


def movements(*, kind: str = "", status: str = "", start=None, end=None):
    """Money records, newest first; `start`/`end` are local dates, both included."""
    rows = MoneyMovement.objects.with_status().select_related("patient").filter(on_days("created_at", start, end))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows


def bill_refunds(bill: Bill):
    return MoneyMovement.objects.filter(refers_to(bill), kind=Kind.REFUND).with_status().order_by("created_at", "id")


def trail(owner, bill: Bill | None = None):
    """Every exchange about a business object: its own, its bill's, and its bill's money movements'."""
    related = [owner]
    if bill is not None:
        related.append(bill)
        related.extend(MoneyMovement.objects.filter(refers_to(bill)))
    return Exchange.objects.filter(refers_to_any(related)).order_by("created_at", "id")


MONEY_TOTALS = ("amount", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")


def movement_totals(rows) -> dict:
    """How many rows and the sum of each money column (refunds count negative, so the sums are net)."""
    return queryset_totals(rows, MONEY_TOTALS)


def bill_gateway_state(bill: Bill) -> str:
    """For screens: "open", "settling", "unknown" (a settlement call did not answer; recovery is on it),
    "settled", "closed" or "refunded"."""
    if bill.state != BillState.SETTLING:
        return bill.state
    unknown = Exchange.objects.filter(refers_to(bill), money=True, outcome=Outcome.UNKNOWN, resolved_at__isnull=True)
    return "unknown" if unknown.exists() else "settling"
