import datetime

from apps.core.roles import CASHIER, FINANCE, has_role
from apps.ledger import selectors as ledger
from apps.outpatient.models import Department, RegistrationOrder


def orders_on(day: datetime.date, *, departments, department=None, doctor=None, state=None):
    """The orders for visits on `day` (whenever they were booked) in `departments`, in the order patients will be
    seen."""
    orders = (
        RegistrationOrder.objects.select_related("patient", "schedule__doctor__department", "bill")
        .filter(schedule__date=day, schedule__doctor__department__in=departments)
        .order_by("schedule__period", "schedule__doctor__code", "queue_no")
    )
    if department:
        orders = orders.filter(schedule__doctor__department__code=department)
    if doctor:
        orders = orders.filter(schedule__doctor__code=doctor)
    if state:
        orders = orders.filter(state=state)
    return orders


def order_refunds(*, order: RegistrationOrder):
    return ledger.bill_refunds(order.bill) if order.bill_id else []


def order_trail(*, order: RegistrationOrder):
    """Every exchange with the platform and the gateway about this order, its bill and its money."""
    return ledger.trail(order, order.bill)


def departments_visible_to(user):
    """Cashiers and finance see every department; a doctor only his own (none until his account is linked)."""
    if has_role(user, CASHIER, FINANCE):
        return Department.objects.all()
    return Department.objects.filter(doctors__user=user)
