"""manage.py bench_reconciliation --lines 1000000 — the issue's scale check, side by side in one run.

Generates a realistic day's file (payments, about 2% refunds, a few discrepancies of each kind) and the matching
ledger rows, then times (1) the `sqlite3` command-line tool's `.import` of the same file into a bare table, and
(2) this portal's import and match of it on the configured database. Prints both times, their ratio and the peak
memory of this process plus that of the process parsing the file beside it. Everything it writes to the portal's
database is rolled back at the end.

The ledger rows are synthetic benchmark data, written in bulk (COPY / executemany) instead of through the
ledger's verbs, which would take hours for a million rows; they never survive the run. Development only: the
command refuses to run with the sandbox off (a production database).
"""

import datetime
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.ledger.models import Channel, Kind, MoneyMovement, MovementEvent, Status
from apps.reconciliation import services
from apps.reconciliation.loading import bulk_insert
from apps.reconciliation.parallel import ChildReader

HEADER = "订单号,银行订单号,交易时间,交易状态,交易描述,交易金额,银行退费流水号,优惠退款费用\n"
BARE_TABLE = "CREATE TABLE bill (c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT);"
BATCH = 20_000


def _peak_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "对账导入性能测试：生成文件与本院资金记录，对比 sqlite3 .import 的耗时，输出两者耗时、倍数与峰值内存"

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=1_000_000, help="明细行数（默认一百万）")
        parser.add_argument("--seed", type=int, default=20261130)

    def handle(self, *args, lines, seed, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("性能测试只在开发环境（SANDBOX_ENABLED）运行")
        if lines < 1:
            raise CommandError("--lines 应为正整数")
        # Measured as production runs: with DEBUG on, Django would keep the text of every query in memory,
        # including each megabyte of the raw file stored, and the peak would be the debug log's, not the import's.
        settings.DEBUG = False
        day = timezone.localdate() - datetime.timedelta(days=400)  # far from any real day's file
        if connection.vendor == "postgresql":
            # Each run's rows are rolled back, and stay in the tables as dead rows until autovacuum comes by: a
            # few runs in a row would have the match read ten times the ledger a real one has.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {MoneyMovement._meta.db_table}, {MovementEvent._meta.db_table}")
        workdir = tempfile.mkdtemp(prefix="recon-bench-")
        path = os.path.join(workdir, "check.txt")
        try:
            with transaction.atomic():
                started = time.monotonic()
                planted = self._generate(path, day, lines, random.Random(seed))
                self.stdout.write(
                    f"生成 {lines} 行文件（{os.path.getsize(path) / 1e6:.1f} MB）与对应资金记录，"
                    f"用时 {time.monotonic() - started:.1f}s；植入差异 {planted}"
                )
                baseline, tool = self._sqlite_import(path, workdir)
                before = _peak_mb()
                started = time.monotonic()
                file, _ = services.check_file_import_path(path=path, bill_date=day)
                ours = time.monotonic() - started
                summary = services.contract_summary(file)
                child = self._child_peak(path) if os.path.getsize(path) >= services.PARSE_APART_FROM else 0
                raise Rollback((baseline, tool, ours, summary, before, child))
        except Rollback as done:
            baseline, tool, ours, summary, before, child = done.args[0]
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        peak = _peak_mb()
        self.stdout.write(f"数据库：{connection.vendor}")
        self.stdout.write(f"sqlite3 .import（{tool}）：{baseline:.2f}s")
        self.stdout.write(f"本系统导入并匹配：{ours:.2f}s")
        self.stdout.write(f"倍数：{ours / baseline:.2f}（要求 ≤ 3）")
        self.stdout.write(
            f"峰值内存：{peak + child:.0f} MB（要求 ≤ 200）：本进程 {peak:.0f} MB（导入开始前已达 {before:.0f} MB，"
            f"含生成测试数据{'' if peak > before else '；导入本身没有抬高'}）"
            + (f"，加同时运行的解析子进程 {child:.0f} MB" if child else "")
        )
        self.stdout.write(f"结果：{summary}")

    @staticmethod
    def _child_peak(path: str) -> float:
        """The parsing process's peak memory, from a second parse of the file outside the timed run (it reports it
        only to its parent, inside the import)."""
        with open(path, "rb") as handle:
            reader = ChildReader(handle)
            for _ in reader.batches():
                pass
        return reader.peak_mb or 0

    # --- the file and the ledger ---------------------------------------------------------------------------

    def _generate(self, path: str, day: datetime.date, lines: int, rng: random.Random) -> dict:
        """The file, and the ledger rows that match it, except for planted discrepancies (0.1% of each kind)."""
        from apps.patients.models import Patient

        patient = Patient.objects.first() or Patient.objects.create(name="测试", certno="220102198805060015")
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))
        every = max(lines // 1000, 1)
        planted = dict.fromkeys(("missing_local", "missing_platform", "amount_mismatch", "status_mismatch"), 0)
        writer = _LedgerWriter(patient.pk, start)
        stamp = f"{day:%Y%m%d}"
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(HEADER)
            for i in range(lines):
                second = i * 86_000 // lines
                refund = i % 50 == 49
                cents = rng.randint(100, 99_999)
                order_no = f"{'RF' if refund else 'OL'}{stamp}{i:010d}"
                amount = f"{'-' if refund else ''}{cents // 100}.{cents % 100:02d}"
                clock = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
                words, serial = ("退款成功", f"BSN{i:020d}") if refund else ("支付成功", "")
                out.write(f"{order_no},`4200{i:024d},{day} {clock},SUCCESS,{words},{amount},{serial},0.00\r\n")
                status = Status.SUCCEEDED
                if i % every == 1:
                    planted["missing_local"] += 1
                    continue
                if i % every == 2:
                    planted["amount_mismatch"] += 1
                    amount = f"{'-' if refund else ''}{(cents + 1) // 100}.{(cents + 1) % 100:02d}"
                if i % every == 3:
                    planted["status_mismatch"] += 1
                    status = Status.UNKNOWN
                writer.add(order_no, amount, status, second, refund)
            for j in range(max(lines // 1000, 1)):  # booked locally, not on the platform's file
                planted["missing_platform"] += 1
                writer.add(f"OLX{stamp}{j:08d}", "10.00", Status.SUCCEEDED, 0, False)
        writer.flush()
        if writer.postgres:  # autovacuum keeps a real ledger's statistics current; these rows are not committed
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {MoneyMovement._meta.db_table}, {MovementEvent._meta.db_table}")
        return planted

    def _sqlite_import(self, path: str, workdir: str) -> tuple[float, str]:
        """The yardstick: load the same file into a bare 8-column table of a new SQLite database."""
        target = os.path.join(workdir, "bare.sqlite3")
        tool = shutil.which("sqlite3")
        if tool:
            script = f"{BARE_TABLE}\n.mode csv\n.import --skip 1 {path} bill\n"
            started = time.monotonic()
            subprocess.run([tool, target], input=script, text=True, check=True, capture_output=True)
            return time.monotonic() - started, "sqlite3 命令行"
        # No CLI on this machine: the same bulk load through Python's sqlite3 module (the CLI's .import does
        # one INSERT per row in one transaction, as this does).
        import csv

        started = time.monotonic()
        db = sqlite3.connect(target)
        db.execute(BARE_TABLE)
        with open(path, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            db.executemany("INSERT INTO bill VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        db.close()
        return time.monotonic() - started, "未找到 sqlite3 命令行，改用 Python sqlite3 模块"


class _LedgerWriter:
    """Synthetic ledger rows in bulk, with explicit ids so that each movement's event can point at it."""

    def __init__(self, patient_id: int, start: datetime.datetime):
        self.postgres = connection.vendor == "postgresql"
        self.next_id = (MoneyMovement.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1_000_000
        self.next_event = (MovementEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1_000_000
        # Times as the database stores them: seconds after `start`, formatted once per distinct second.
        self.start = start
        self.times: dict[int, str] = {}
        self.now = self._time(timezone.now())
        fields = list(MoneyMovement._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        given = ("id", "kind", "channel", "patient_id", "org_trace_no", "amount", "occurred_at", "created_at")
        template = {f.column: f.get_default() for f in fields} | {"setlinfo": "{}", "patient_id": patient_id,
                                                                     "channel": Channel.PAYLATER_ONLINE}  # fmt: skip
        self.template = [template[c] for c in self.columns]
        self.at = {name: self.columns.index(name) for name in given}
        self.movements, self.events = [], []

    def _time(self, moment: datetime.datetime) -> str:
        return moment.isoformat(" ") if self.postgres else connection.ops.adapt_datetimefield_value(moment)

    def add(self, order_no: str, amount: str, status: str, second: int, refund: bool) -> None:
        when = self.times.get(second)
        if when is None:
            when = self.times[second] = self._time(self.start + datetime.timedelta(seconds=second))
        row = self.template.copy()
        at = self.at
        row[at["id"]], row[at["org_trace_no"]], row[at["amount"]] = self.next_id, order_no, amount
        row[at["kind"]] = Kind.REFUND.value if refund else Kind.OUTPATIENT_SETTLEMENT.value
        row[at["occurred_at"]] = when if status == Status.SUCCEEDED else None
        row[at["created_at"]] = when
        self.movements.append(row)
        self.events.append((self.next_event, self.next_id, str(status), "", self.now))
        self.next_id += 1
        self.next_event += 1
        if len(self.movements) >= BATCH:
            self.flush()

    def flush(self) -> None:
        event_columns = ["id", "movement_id", "status", "detail", "created_at"]
        for table, columns, rows in (
            (MoneyMovement._meta.db_table, self.columns, self.movements),
            (MovementEvent._meta.db_table, event_columns, self.events),
        ):
            bulk_insert(table, columns, rows)
        self.movements, self.events = [], []
