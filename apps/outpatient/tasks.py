from apps.outpatient.services import orders_expire_due, refunds_follow_up


def expire_orders_task() -> int:
    return orders_expire_due()


def refunds_follow_up_task() -> int:
    return refunds_follow_up()
