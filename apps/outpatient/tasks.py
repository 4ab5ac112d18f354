from apps.outpatient.models import RegistrationOrder
from apps.outpatient.services import orders_expire_due, visit_cancel, visits_cancel_due


def expire_orders_task() -> int:
    return orders_expire_due()


def visit_cancel_task(order_id: int) -> bool:
    return visit_cancel(order=RegistrationOrder.objects.select_related("patient").get(pk=order_id))


def visits_cancel_due_task() -> int:
    return visits_cancel_due()
