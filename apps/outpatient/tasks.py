from apps.outpatient.services import orders_expire_due


def expire_orders_task() -> int:
    return orders_expire_due()
