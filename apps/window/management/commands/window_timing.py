"""Time window settlements end to end against the configured upstreams (the sandbox of a running portal, e.g.
`make run`): read 张伟's 身份证 (1101), ask 附录五, register today (2201), preview (2204, 2206) and settle (2207).
Each settlement is refunded afterwards (not timed) so the next one can take the same session again.

    .venv/bin/python manage.py window_timing --count 20
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.ledger.gateway import Medium
from apps.window import selectors, services

ZHANG = "220102198805060015"


class Command(BaseCommand):
    help = "窗口结算端到端耗时（读卡、签约查询、挂号、预结算、结算）的中位数，对沙箱或所配置的上游"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20)

    def handle(self, *args, count, **options):
        if not 1 <= count <= 200:
            raise CommandError("--count 应在 1 到 200 之间")
        session = selectors.sessions_today().first()
        if session is None:
            raise CommandError("今日没有可挂号的号源（先运行 demo_data）")
        opter = ("TIMING", "耗时测量")
        took = []
        for _ in range(count):
            started = time.perf_counter()
            try:
                reading = services.medium_read(mdtrt_cert_type="02", mdtrt_cert_no=ZHANG, opter=opter)
                medium = Medium.of(reading)
                order = services.window_register(patient=reading.patient, schedule_id=session.pk)
                services.window_preview(bill=order.bill, medium=medium, opter=opter)
                outcome = services.window_settle(bill=order.bill, medium=medium, opter=opter)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            took.append(time.perf_counter() - started)
            if outcome.status != "settled":
                raise CommandError(f"结算未成功：{outcome.status} {outcome.message}")
            services.window_refund(bill=order.bill, reason="耗时测量后退费", by=None)
        self.stdout.write(
            f"窗口结算 {count} 次：中位数 {statistics.median(took) * 1000:.0f} 毫秒，"
            f"最短 {min(took) * 1000:.0f} 毫秒，最长 {max(took) * 1000:.0f} 毫秒"
        )
