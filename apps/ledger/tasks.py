from apps.ledger.refunds import refunds_follow_up


def refunds_follow_up_task() -> int:
    return refunds_follow_up()
