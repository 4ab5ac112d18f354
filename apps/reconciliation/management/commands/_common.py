"""What import_check_file and fetch_check_file share: --date, progress on a terminal, the contract's last line."""

import datetime
import json

from django.core.management.base import CommandError

from apps.reconciliation import services


def parse_date(text: str | None) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date 应为 YYYY-MM-DD：{text}") from None


def progress_printer(command):
    tty = command.stdout.isatty()

    def show(count: int) -> None:
        if tty:
            command.stdout.write(f"\r已读取 {count} 行", ending="")
            command.stdout.flush()

    return show


def report(command, file, changed: bool) -> None:
    if command.stdout.isatty():
        command.stdout.write("")
    summary = services.contract_summary(file)
    command.stdout.write(("已导入并完成匹配" if changed else "与已导入的文件相同，未作改动") + f"：{file.bill_date}")
    command.stdout.write(json.dumps(summary, ensure_ascii=False))
