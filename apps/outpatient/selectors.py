import datetime

from django.utils import timezone

from apps.ledger import selectors as ledger
from apps.outpatient.models import RegistrationOrder


def orders_today(*, department=None, doctor=None, state=None):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    orders = RegistrationOrder.objects.select_related("patient", "schedule__doctor__department", "bill").filter(
        created_at__gte=start, created_at__lt=start + datetime.timedelta(days=1)
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
