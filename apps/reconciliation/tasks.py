"""Worker jobs: the morning download (scheduled every 15 minutes; `services.fetch_due` decides) and the import of
a file finance uploaded on the page."""

from apps.reconciliation import services
from apps.reconciliation.parsing import FileRefused


def fetch_due_task() -> str:
    return services.fetch_due()


def import_stored_task(file_id: int) -> str:
    try:
        file = services.check_file_import_stored(file_id=file_id)
    except FileRefused as exc:
        return f"文件被拒绝：{exc}"
    services.gateway_check(day=file.bill_date)
    return f"已导入 {file.summary.get('lines', 0)} 行"
