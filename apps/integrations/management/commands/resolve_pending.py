from django.core.management.base import BaseCommand, CommandError

from apps.integrations.models import Party
from apps.integrations.recovery import pending, resolve_pending


class Command(BaseCommand):
    help = "结果未知的资金交易与就诊登记（超时等）逐笔查询或冲正后定论；每行一笔，最后一行汇总。"

    def add_arguments(self, parser):
        parser.add_argument("--party", help="只处理这一方：" + " / ".join(Party.values))
        parser.add_argument("--older-than", default="0", help="只处理早于这么多秒前发出的交易（默认 0）")

    def handle(self, *args, party=None, older_than="0", **options):
        if party is not None and party not in Party.values:
            raise CommandError(f"--party 只能是 {' / '.join(Party.values)}，不是 {party!r}")
        try:
            seconds = float(older_than)
        except ValueError:
            raise CommandError(f"--older-than 应为秒数，不是 {older_than!r}") from None
        if not 0 <= seconds < 10**7:
            raise CommandError(f"--older-than 应为非负秒数，不是 {older_than!r}")
        resolutions = resolve_pending(party=party, older_than_seconds=seconds)
        for resolution in resolutions:
            self.stdout.write(str(resolution))
        left = pending(party=party).count()
        self.stdout.write(f"已处理 {len(resolutions)} 笔，仍待处理 {left} 笔")
