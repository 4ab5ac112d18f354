from django.db.models import F
from django.utils import timezone

from apps.ledger.kinds import bill_kinds
from apps.ledger.models import Bill, BillState
from apps.outpatient.models import Department, OrderState, RegistrationOrder, Schedule


def departments():
    return Department.objects.all()


def sessions_today(*, department_code: str = ""):
    """Today's sessions still open with places left, by department, period and doctor."""
    sessions = (
        Schedule.objects.open_for_booking()
        .select_related("doctor__department")
        .filter(date=timezone.localdate(), booked__lt=F("capacity"))
        .order_by("doctor__department__code", "period", "doctor__code")
    )
    if department_code:
        sessions = sessions.filter(doctor__department__code=department_code)
    return sessions


def visits_today(*, patient):
    """The patient's paid registrations of today registered at the gateway: the visits fees can be entered for."""
    return (
        RegistrationOrder.objects.select_related("schedule__doctor__department")
        .filter(patient=patient, state=OrderState.PAID, schedule__date=timezone.localdate())
        .exclude(mdtrt_id="")
        .order_by("-created_at")
    )


def bills_unpaid(*, patient) -> list[Bill]:
    """The patient's open outpatient bills, whatever app opened them (registrations, the clinic's prescriptions,
    fees entered here); inpatient bills are settled at discharge, not here."""
    bills = Bill.objects.filter(patient=patient, state=BillState.OPEN).prefetch_related("items").order_by("created_at")
    return [bill for bill in bills if not getattr(bill_kinds.get(bill.kind), "inpatient", False)]


def bills_recent(*, patient, limit: int = 20):
    """The patient's bills settled, being settled or refunded lately (for the receipt and refunds)."""
    return (
        Bill.objects.select_related("settlement")
        .filter(patient=patient)
        .exclude(state__in=(BillState.OPEN, BillState.CLOSED))
        .order_by("-updated_at")[:limit]
    )
