from apps.supplier_finance.services import purchase_upload, purchases_release_stuck, purchases_upload_due


def upload_batch_task(batch_id: int) -> int:
    return purchases_upload_due(batch_id=batch_id)


def upload_purchase_task(purchase_id: int) -> str:
    return purchase_upload(purchase_id=purchase_id).status


def upload_due_task() -> int:
    purchases_release_stuck()
    return purchases_upload_due()
