"""manage.py import_purchases PATH — the warehouse system's nightly export (CONTRACT.md section 6)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.supplier_finance.models import Source
from apps.supplier_finance.services import purchases_import_file


class Command(BaseCommand):
    help = "校验采购/退货文件（.xlsx 或 .csv，模板格式）并把新记录加入 3503/3504 上传队列；有错则一条也不入队"

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件路径（.xlsx 或 .csv）")

    def handle(self, *args, path, **options):
        file = Path(path)
        try:
            content = file.read_bytes()
        except OSError as exc:
            self._summary(0, 0, 1)
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None
        try:
            result = purchases_import_file(name=file.name, content=content, source=Source.COMMAND)
        except ApplicationError as exc:
            self._summary(0, 0, 1)
            raise CommandError(exc.message) from None
        for error in result.errors:
            self.stdout.write(str(error))
        if not result.errors:
            self.stdout.write(f"共 {result.rows} 条，新加入上传队列 {result.queued} 条，已存在 {result.duplicates} 条")
        self._summary(result.rows, result.queued, len(result.errors))
        if result.errors:
            raise CommandError(f"文件有 {len(result.errors)} 处错误，未加入上传队列")

    def _summary(self, rows: int, queued: int, errors: int) -> None:
        self.stdout.write(json.dumps({"rows": rows, "queued": queued, "errors": errors}))
