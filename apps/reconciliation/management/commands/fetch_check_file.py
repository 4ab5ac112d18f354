"""manage.py fetch_check_file [--date YYYY-MM-DD] (CONTRACT.md section 6): download (getCheckFile), import, match."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.reconciliation import services
from apps.reconciliation.management.commands._common import parse_date, progress_printer, report


class Command(BaseCommand):
    help = "从平台下载某日对账文件（默认昨天）并导入、匹配；最后一行输出 JSON 结果"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="对账日期 YYYY-MM-DD（默认昨天）")

    def handle(self, *args, date=None, **options):
        day = parse_date(date) or timezone.localdate() - datetime.timedelta(days=1)
        try:
            file, changed = services.check_file_fetch(day=day, progress=progress_printer(self))
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        report(self, file, changed)
