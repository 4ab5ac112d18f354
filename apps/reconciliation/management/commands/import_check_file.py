"""manage.py import_check_file PATH [--date YYYY-MM-DD] (CONTRACT.md section 6)."""

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.reconciliation import services
from apps.reconciliation.management.commands._common import parse_date, progress_printer, report


class Command(BaseCommand):
    help = "导入平台的每日对账文件并与本院资金记录匹配；有错则一行也不导入；最后一行输出 JSON 结果"

    def add_arguments(self, parser):
        parser.add_argument("path", help="对账文件路径")
        parser.add_argument("--date", help="对账日期 YYYY-MM-DD（默认取第一笔明细的日期）")

    def handle(self, *args, path, date=None, **options):
        bill_date = parse_date(date)
        try:
            file, changed = services.check_file_import_path(
                path=path, bill_date=bill_date, progress=progress_printer(self)
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if changed:
            services.gateway_check(day=file.bill_date)
        report(self, file, changed)
