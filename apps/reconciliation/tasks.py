"""Worker jobs: the morning download (scheduled every 15 minutes; `services.fetch_due` decides, and received files
left unimported are picked up), a download asked for on the page, and the import of an uploaded file."""

import datetime

from apps.core.errors import ApplicationError
from apps.reconciliation import services
from apps.reconciliation.parsing import FileRefused


def fetch_due_task() -> str:
    swept = services.received_sweep()
    return services.fetch_due() + (f"；补导入 {swept} 个文件" if swept else "")


def fetch_task(day: str) -> str:
    try:
        file, changed = services.check_file_fetch(day=datetime.date.fromisoformat(day))
    except ApplicationError as exc:
        return exc.message
    return f"已导入 {file.summary.get('lines', 0)} 行" if changed else "与已导入的文件相同"


def import_stored_task(file_id: int) -> str:
    try:
        file = services.check_file_import_stored(file_id=file_id)
    except FileRefused as exc:
        return f"文件被拒绝：{exc}"
    services.gateway_check(day=file.bill_date)
    return f"已导入 {file.summary.get('lines', 0)} 行"
