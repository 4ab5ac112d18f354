from apps.clinic.services import prescription_settle, prescriptions_expire_due, prescriptions_settle_due


def settle_task(prescription_id: int) -> str:
    return prescription_settle(prescription_id=prescription_id)


def sweep_task() -> dict:
    """Every minute: settle what a lost task left queued, close unpaid bills past their deadline."""
    return {"settled": prescriptions_settle_due(), "expired": prescriptions_expire_due()}
