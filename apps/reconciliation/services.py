"""Receiving, importing and matching the platform's daily file; the gateway's 3201 totals; finance's notes.

An import streams the file once: its bytes are stored (hash, size, source) while its lines are parsed and loaded,
a block at a time, into a temporary table, where they are matched with the ledger in SQL. A refused file leaves
nothing behind (the command's contract) or, for a page upload run in the worker, only the refused file's record
with its reason. The same bytes again for the same day change nothing. A different file for a day replaces the
day's current file, which is kept as REPLACED with its findings.
"""

import datetime
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.core.dates import day_start
from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.integrations.nhsa import client as nhsa
from apps.integrations.paylater import client as paylater
from apps.integrations.transport import UpstreamError
from apps.ledger.models import Kind, MoneyMovement, MovementEvent, Status
from apps.reconciliation import gateway_detail
from apps.reconciliation.loading import Stage, StoredStream, StoringStream, bulk_insert
from apps.reconciliation.models import (
    Category,
    CheckFile,
    CheckLine,
    Direction,
    Discrepancy,
    DiscrepancyNote,
    FetchAttempt,
    FileChunk,
    FileState,
    GatewayCheck,
    Source,
)
from apps.reconciliation.parallel import ChildReader
from apps.reconciliation.parsing import SUCCESS, CheckFileReader, FileRefused, cents_text, first_date

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50_000
# A file this large is parsed by a second process while this one loads it (apps.reconciliation.parallel); a smaller
# one is not worth starting a Python for (about 50 ms).
PARSE_APART_FROM = 8 * 1024 * 1024
COUNTS = ("matched", "missing_local", "missing_platform", "amount_mismatch", "status_mismatch")
Progress = Callable[[int], None]


def contract_summary(file: CheckFile) -> dict:
    """CONTRACT.md section 6: the import's last line."""
    summary = file.summary
    return {"date": file.bill_date.isoformat(), "lines": summary.get("lines", 0)} | {
        name: summary.get(name, 0) for name in COUNTS
    }


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return day_start(day), day_start(day + datetime.timedelta(days=1))


def _local_offset(day: datetime.date) -> datetime.timedelta:
    """The platform's times are local (Asia/Shanghai has had no daylight saving since 1991: one offset a day)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))).utcoffset()


def _current(bill_date: datetime.date) -> CheckFile | None:
    return CheckFile.objects.filter(bill_date=bill_date, state=FileState.CURRENT).first()


def _discard(file: CheckFile) -> None:
    """Remove an unfinished import's rows (its discrepancies, the lines they point at, its chunks, the file)."""
    with transaction.atomic():
        Discrepancy.objects.filter(file=file).delete()
        CheckLine.objects.filter(file=file).delete()
        FileChunk.objects.filter(file=file).delete()
        CheckFile.objects.filter(pk=file.pk).delete()


# --- import --------------------------------------------------------------------------------------------------


def check_file_import_path(
    *, path, bill_date: datetime.date | None = None, progress: Progress | None = None
) -> tuple[CheckFile, bool]:
    """`manage.py import_check_file`: (the day's current file, whether this import changed anything)."""
    try:
        with open(path, "rb") as handle:
            if bill_date is None:
                bill_date = first_date(handle)
                if bill_date is None:
                    raise ApplicationError("文件没有明细行，无法判断对账日期：请用 --date 指定")
                handle.seek(0)
            return check_file_import(
                stream=handle, bill_date=bill_date, source=Source.COMMAND, source_detail=str(path)[:300],
                progress=progress,
            )  # fmt: skip
    except OSError as exc:
        raise ApplicationError(f"无法读取文件 {path}：{exc.strerror}") from None
    except FileRefused as exc:
        raise ApplicationError(f"文件被拒绝，未导入：{exc}") from None


def check_file_import(
    *,
    stream,
    bill_date: datetime.date,
    source: str,
    source_detail: str = "",
    user=None,
    progress: Progress | None = None,
) -> tuple[CheckFile, bool]:
    """Store `stream` (seekable), then import it: (the day's current file afterwards, whether this import changed
    anything). The same bytes as the day's current file are not read again. Raises FileRefused (nothing kept) on a
    bad file.

    Stored first, in full, so that the lines then go to the database in one stream (one COPY on PostgreSQL, which
    loads a block while the next is read) rather than between the file's chunks."""
    file, same = check_file_store(
        stream=stream, bill_date=bill_date, source=source, source_detail=source_detail, user=user,
        state=FileState.IMPORTING,
    )  # fmt: skip
    if same:
        return file, False
    try:
        counts = _import(file, lambda: _rewound(stream), progress)
        return _finish(file, counts), True
    except BaseException:  # refused, or interrupted: nothing of it stays
        _discard(file)
        raise


def _rewound(stream):
    stream.seek(0)
    return stream


def check_file_store(
    *, content: bytes | None = None, stream=None, bill_date, source, source_detail="", user=None,
    state=FileState.RECEIVED,
) -> tuple[CheckFile, bool]:  # fmt: skip
    """Keep a received file (page upload, download) for the worker to import: (file, already current?). One
    transaction: a failure keeps nothing, and the chunks are not flushed to disk one commit at a time."""
    with transaction.atomic():
        file = CheckFile.objects.create(
            bill_date=bill_date, sha256="", size=0, source=source, source_detail=source_detail, received_by=user,
            state=state,
        )  # fmt: skip
        storing = StoringStream(stream if stream is not None else io.BytesIO(content), file.pk)
        while storing.read(1024 * 1024):
            pass
        file.sha256, file.size = storing.sha256.hexdigest(), storing.size
        current = _current(bill_date)
        if current is not None and current.sha256 == file.sha256:
            _discard(file)
            return current, True
        file.save(update_fields=["sha256", "size"])
    return file, False


def check_file_import_stored(*, file_id: int, progress: Progress | None = None) -> CheckFile:
    """The worker's half of a page upload or a download: import a stored file. A refusal keeps the file's record
    (state REFUSED, with the reason) so that finance sees why; its lines are removed."""
    claimed = CheckFile.objects.filter(pk=file_id, state=FileState.RECEIVED).update(state=FileState.IMPORTING)
    file = CheckFile.objects.get(pk=file_id)
    if not claimed:
        return file
    try:
        counts = _import(file, lambda: StoredStream(file.pk), progress)
    except FileRefused as exc:
        CheckFile.objects.filter(pk=file.pk).update(state=FileState.REFUSED, error=str(exc)[:500])
        file.refresh_from_db()
        raise
    return _finish(file, counts)


def _import(file: CheckFile, opened: Callable, progress: Progress | None) -> dict:
    """Load the file's lines into a temporary table and match them with the ledger: the counts of CONTRACT.md 6.
    `opened()` gives the file's bytes from the start, each time it is called: once to load, once to read again
    the lines that disagree."""
    reader = (ChildReader if file.size >= PARSE_APART_FROM else CheckFileReader)(opened())
    with Stage() as stage:
        _load(file, reader, stage, progress)
        return match(file, stage, opened)


def _load(file: CheckFile, reader: CheckFileReader, stage: Stage, progress: Progress | None) -> None:
    reported = 0
    for batch in reader.batches():
        stage.add(batch)
        if stage.loaded - reported >= PROGRESS_EVERY:
            reported = stage.loaded
            stage.flush()
            CheckFile.objects.filter(pk=file.pk).update(progress=reported)
            if progress:
                progress(reported)
    stage.seal()
    totals = reader.totals
    file.encoding, file.delimiter, file.progress = reader.encoding, reader.delimiter, stage.loaded
    file.summary = {
        "lines": totals.lines,
        "payments": totals.payments,
        "payment_amount": cents_text(totals.payment_cents),
        "refunds": totals.refunds,
        "refund_amount": cents_text(totals.refund_cents),
        "summary_block": reader.summary_seen,
    }
    CheckFile.objects.filter(pk=file.pk).update(
        encoding=file.encoding, delimiter=file.delimiter, progress=file.progress, summary=file.summary
    )
    if progress:
        progress(file.progress)


def _finish(file: CheckFile, counts: dict) -> CheckFile:
    """Make this file the day's current one (the earlier one, if any, is kept as REPLACED), or, when the day's
    current file has the same bytes, discard this one and return that.

    Imports of one day finish one at a time: each locks the day's files, its own among them, so that of two at
    once the later sees what the earlier made current (without the lock both would see none, and the later would
    break the one-current-file constraint and stay "importing").
    """
    with transaction.atomic():
        list(CheckFile.objects.select_for_update().filter(bill_date=file.bill_date).order_by("pk").values("pk"))
        current = _current(file.bill_date)
        if current is not None and current.sha256 == file.sha256:
            _discard(file)
            return current
        if current is not None:
            CheckFile.objects.filter(pk=current.pk).update(state=FileState.REPLACED)
        file.summary = file.summary | counts
        file.state = FileState.CURRENT
        file.imported_at = timezone.now()
        file.save(update_fields=["summary", "state", "imported_at"])
    return file


# --- matching ------------------------------------------------------------------------------------------------


def _platform_channels() -> list[str]:
    return list(settings.RECONCILIATION_PLATFORM_CHANNELS)


def _db_time(moment: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def match(file: CheckFile, stage: Stage, opened: Callable) -> dict:
    """Compare the file's lines (in `stage`) with the ledger in SQL; keep the lines that disagree (CheckLine) and a
    Discrepancy for each disagreement; return the five counts and what the ledger booked through the platform on
    the day (succeeded payments and refunds, for the day view).

    A line matches the movement of a platform channel with its order number and its sign (payment or refund),
    whatever day the ledger booked it; a succeeded movement of the day that the file does not list is missing on
    the platform. The day of a movement is when it took effect (or, still pending, when it was recorded). Only the
    lines that disagree are read again from the stored file for their other fields.
    """
    channels = _platform_channels()
    with transaction.atomic(), connection.cursor() as cursor:
        stage.bulk()
        compare = _compare_hashed if stage.postgres else _compare_indexed
        payments, paid, refunds, refunded = compare(file, stage, cursor, channels)
        _keep_lines(file, CheckFileReader(opened()))
        _record_discrepancies(file, cursor, channels)
        cursor.execute(
            f"SELECT category, COUNT(*) FROM {Discrepancy._meta.db_table} WHERE file_id = %s GROUP BY category",
            [file.pk],
        )
        counts = dict.fromkeys(COUNTS, 0) | dict(cursor.fetchall())
    unmatched = counts[Category.MISSING_LOCAL] + counts[Category.AMOUNT_MISMATCH] + counts[Category.STATUS_MISMATCH]
    counts["matched"] = file.summary["lines"] - unmatched
    return counts | {
        "local_payments": payments,
        "local_payment_amount": cents_text(int(paid)),
        "local_refunds": refunds,
        "local_refund_amount": cents_text(int(refunded)),
    }


_CENTS = "CAST(ROUND(m.amount * 100) AS bigint)"
# A movement's final status never changes (ledger.services.movement_finish), so "its latest status is succeeded" is
# "it has a succeeded event": a semi-join instead of a latest-event lookup. A movement with a time it took effect was
# recorded as succeeded (ledger.services.movement_create), with no event to look up.
_SUCCEEDED = f"EXISTS (SELECT 1 FROM {MovementEvent._meta.db_table} e WHERE e.movement_id = m.id AND e.status = %s)"
_SUMS = (
    "COALESCE(SUM(CASE WHEN cents >= 0 THEN 1 END), 0), COALESCE(SUM(CASE WHEN cents >= 0 THEN cents END), 0), "
    "COALESCE(SUM(CASE WHEN cents < 0 THEN 1 END), 0), COALESCE(SUM(CASE WHEN cents < 0 THEN cents END), 0)"
)


def _day_movements(file: CheckFile, channels: list[str]) -> tuple[str, list]:
    """The day's succeeded movements of the platform's channels (id, org_trace_no, cents), and the parameters."""
    start, end = (_db_time(moment) for moment in _day_bounds(file.bill_date))
    select = (
        f"SELECT m.id, m.org_trace_no, {_CENTS} AS cents FROM {MoneyMovement._meta.db_table} m "
        f"WHERE m.channel IN ({', '.join(['%s'] * len(channels))}) AND "
    )
    # Two selects, not one OR: each has its own index (when it took effect; when it was recorded), and the events
    # are looked up only for the few movements recorded pending.
    return (
        f"{select} m.occurred_at >= %s AND m.occurred_at < %s UNION ALL "
        f"{select} m.occurred_at IS NULL AND m.created_at >= %s AND m.created_at < %s AND {_SUCCEEDED}",
        [*channels, start, end, *channels, start, end, Status.SUCCEEDED],
    )


def _matching_movement(channels: list[str], line: str) -> tuple[str, list]:
    """SQL: a succeeded movement of any day that the staged line `line` (order number, cents) matches."""
    marks = ", ".join(["%s"] * len(channels))
    return (
        f"EXISTS (SELECT 1 FROM {MoneyMovement._meta.db_table} m WHERE m.org_trace_no = {line}.order_no "
        f"AND m.channel IN ({marks}) AND {_CENTS} = {line}.cents AND (m.occurred_at IS NOT NULL OR {_SUCCEEDED}))",
        [*channels, Status.SUCCEEDED],
    )


def _compare_hashed(file: CheckFile, stage: Stage, cursor, channels: list[str]) -> tuple[int, int, int, int]:
    """PostgreSQL: the lines and the day's movements joined in full, in one statement (a hash join of both sides,
    each read once), filling KEPT and MISSING; the day's sums. Lines matching a movement of another day are taken
    out of KEPT afterwards.

    No unique index checks the order numbers (it took as long as the join): each line joins at most one movement of
    the day and each movement at most one line, so an order written twice shows as more lines joined than movements,
    or as a kept line whose order number another line has."""
    day, params = _day_movements(file, channels)
    lines, kept, missing = Stage.TABLE, Stage.KEPT, Stage.MISSING
    cursor.execute(
        f"WITH day AS MATERIALIZED ({day}), diff AS (SELECT l.line_no, l.order_no, l.cents, l.status, d.id AS day_id "
        f"FROM {lines} l FULL JOIN day d ON d.org_trace_no = l.order_no AND (d.cents < 0) = (l.cents < 0) "
        "WHERE l.line_no IS NULL OR d.id IS NULL OR d.cents <> l.cents OR l.status <> %s), "
        f"k AS (INSERT INTO {kept} SELECT line_no, order_no, cents, status FROM diff WHERE line_no IS NOT NULL "
        "RETURNING line_no), "
        f"x AS (INSERT INTO {missing} SELECT day_id FROM diff WHERE line_no IS NULL RETURNING id) "
        "SELECT (SELECT COUNT(*) FROM diff WHERE line_no IS NOT NULL AND day_id IS NULL), "
        f"(SELECT COUNT(*) FROM k), (SELECT COUNT(*) FROM x), COUNT(*), {_SUMS} FROM day",
        [*params, SUCCESS],
    )
    unjoined, _, not_listed, movements, *sums = cursor.fetchone()
    if stage.loaded - unjoined > movements - not_listed:
        stage.refuse_duplicate()
    cursor.execute(
        f"SELECT 1 FROM {kept} k JOIN {lines} l ON l.order_no = k.order_no AND l.line_no <> k.line_no LIMIT 1"
    )
    if cursor.fetchone():
        stage.refuse_duplicate()
    other_day, params = _matching_movement(channels, kept)
    cursor.execute(f"DELETE FROM {kept} WHERE status = %s AND {other_day}", [SUCCESS, *params])
    return sums


def _compare_indexed(file: CheckFile, stage: Stage, cursor, channels: list[str]) -> tuple[int, int, int, int]:
    """SQLite, which joins through indexes only: each line looked up in the ledger's order-number index, each of the
    day's movements in the lines' (unique, built by `Stage.seal`); the day's sums."""
    day, day_params = _day_movements(file, channels)
    lines, kept, missing = Stage.TABLE, Stage.KEPT, Stage.MISSING
    matching, params = _matching_movement(channels, "l")
    cursor.execute(
        f"INSERT INTO {kept} SELECT l.line_no, l.order_no, l.cents, l.status FROM {lines} l "
        f"WHERE l.status <> %s OR NOT {matching}",
        [SUCCESS, *params],
    )
    cursor.execute(
        f"INSERT INTO {missing} SELECT d.id FROM ({day}) d WHERE NOT EXISTS "
        f"(SELECT 1 FROM {lines} l WHERE l.order_no = d.org_trace_no AND (l.cents < 0) = (d.cents < 0))",
        day_params,
    )
    cursor.execute(f"SELECT {_SUMS} FROM ({day}) d", day_params)
    return cursor.fetchone()


def _kept_numbers(batch: int = 10_000):
    """The numbers of the lines that disagree, ascending, a batch at a time (a file the ledger knows nothing of has
    a million)."""
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT line_no FROM {Stage.KEPT} WHERE line_no > %s ORDER BY line_no LIMIT {batch}", [after]
            )
            numbers = [number for (number,) in cursor.fetchall()]
            yield from numbers
            if len(numbers) < batch:
                return
            after = numbers[-1]


def _keep_lines(file: CheckFile, reader: CheckFileReader, batch: int = 5_000) -> None:
    """The lines that disagree, with all their fields, read again. Written without model instances: a file the
    ledger knows nothing of has a million, and the ORM spent most of a minute per 200,000 building them."""
    local = datetime.timezone(_local_offset(file.bill_date))
    moment = connection.ops.adapt_datetimefield_value  # SQLite stores text; PostgreSQL takes the datetime
    pending = []
    for line in reader.details(_kept_numbers()):
        traded_at = moment(datetime.datetime.fromisoformat(line.traded_at).replace(tzinfo=local))
        pending.append(
            (file.pk, line.line_no, line.order_no, line.bank_order_no, traded_at, line.status, line.description,
             Decimal(line.amount), line.bank_refund_sn, Decimal(line.discount))
        )  # fmt: skip
        if len(pending) >= batch:
            bulk_insert(CheckLine._meta.db_table, _LINE_COLUMNS, pending)
            pending = []
    bulk_insert(CheckLine._meta.db_table, _LINE_COLUMNS, pending)


_LINE_COLUMNS = [
    "file_id", "line_no", "order_no", "bank_order_no", "traded_at", "status", "description", "amount",
    "bank_refund_sn", "discount",
]  # fmt: skip


def _record_discrepancies(file: CheckFile, cursor, channels: list[str]) -> None:
    movements = MoneyMovement._meta.db_table
    found, events = Discrepancy._meta.db_table, MovementEvent._meta.db_table
    marks = ", ".join(["%s"] * len(channels))
    latest = f"(SELECT e.status FROM {events} e WHERE e.movement_id = m.id ORDER BY e.id DESC LIMIT 1)"
    columns = (
        "file_id, bill_date, category, direction, order_no, line_id, movement_id, platform_amount, local_amount, "
        "platform_status, local_status, explained"
    )
    direction = f"CASE WHEN {{}} < 0 THEN '{Direction.REFUND}' ELSE '{Direction.PAYMENT}' END"
    ours = [file.pk, file.bill_date]
    cursor.execute(
        f"INSERT INTO {found} ({columns}) SELECT %s, %s, CASE WHEN m.id IS NULL THEN '{Category.MISSING_LOCAL}' "
        f"WHEN m.amount <> l.amount THEN '{Category.AMOUNT_MISMATCH}' ELSE '{Category.STATUS_MISMATCH}' END, "
        f"{direction.format('l.amount')}, l.order_no, l.id, m.id, l.amount, m.amount, l.status, "
        f"COALESCE({latest}, ''), %s FROM {CheckLine._meta.db_table} l LEFT JOIN {movements} m ON "
        f"m.org_trace_no = l.order_no AND m.channel IN ({marks}) AND (m.amount < 0) = (l.amount < 0) "
        "WHERE l.file_id = %s",
        [*ours, False, *channels, file.pk],
    )
    cursor.execute(
        f"INSERT INTO {found} ({columns}) SELECT %s, %s, '{Category.MISSING_PLATFORM}', "
        f"{direction.format('m.amount')}, m.org_trace_no, NULL, m.id, NULL, m.amount, '', %s, %s "
        f"FROM {Stage.MISSING} x JOIN {movements} m ON m.id = x.id",
        [*ours, Status.SUCCEEDED, False],
    )


# --- the gateway's side: 3201 ---------------------------------------------------------------------------------

SETTLEMENT_KINDS = (Kind.OUTPATIENT_SETTLEMENT, Kind.INPATIENT_SETTLEMENT)
DETAIL_LIMIT = 500


@dataclass
class _Group:
    medfee_sumamt: Decimal = Decimal("0.00")
    fund_pay_sumamt: Decimal = Decimal("0.00")
    acct_pay: Decimal = Decimal("0.00")
    count: int = 0

    def __post_init__(self):
        self.detail = []


def _group_of(movement: MoneyMovement) -> tuple[str, str, str]:
    """(insutype, clr_type, setl_optins) of a settlement, from its setlinfo where the gateway said so."""
    info = movement.setlinfo or {}
    insutype = str(info.get("insutype") or movement.patient.insutype or "")
    clr_type = str(info.get("clr_type") or ("21" if movement.kind == Kind.INPATIENT_SETTLEMENT else "11"))
    return insutype, clr_type, str(info.get("clr_optins") or settings.ADMDVS)


def gateway_check(*, day: datetime.date) -> list[GatewayCheck]:
    """3201 per insurance type, clearing type and agency for the settlements of `day` still standing (a reversed
    or refunded settlement is out of the gateway's totals too). Where the gateway disagrees, the group's
    settlements are kept as its detail for finance to compare."""
    start, end = _day_bounds(day)
    settled = list(
        MoneyMovement.objects.with_status()
        .filter(kind__in=SETTLEMENT_KINDS, status=Status.SUCCEEDED, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(setl_id="")
        .select_related("patient")
        .order_by("id")
    )
    undone = set(
        MoneyMovement.objects.with_status()
        .filter(reverses__in=[m.pk for m in settled], status=Status.SUCCEEDED)
        .values_list("reverses_id", flat=True)
    )
    groups: dict[tuple[str, str, str], _Group] = {}
    for movement in settled:
        if movement.pk in undone:
            continue
        group = groups.setdefault(_group_of(movement), _Group())
        group.count += 1
        for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay"):
            setattr(group, name, getattr(group, name) + (getattr(movement, name) or Decimal("0.00")))
        if len(group.detail) < DETAIL_LIMIT:
            group.detail.append(
                {
                    "org_trace_no": movement.org_trace_no, "setl_id": movement.setl_id, "mdtrt_id": movement.mdtrt_id,
                    "medfee_sumamt": format_money(movement.medfee_sumamt or Decimal("0.00")),
                    "fund_pay_sumamt": format_money(movement.fund_pay_sumamt or Decimal("0.00")),
                    "acct_pay": format_money(movement.acct_pay or Decimal("0.00")),
                }
            )  # fmt: skip
    checks = []
    for (insutype, clr_type, setl_optins), group in sorted(groups.items()):
        values = {
            "medfee_sumamt": group.medfee_sumamt, "fund_pay_sumamt": group.fund_pay_sumamt,
            "acct_pay": group.acct_pay, "fixmedins_setl_cnt": group.count,
        }  # fmt: skip
        outcome = {"stmt_rslt": "", "stmt_rslt_dscr": "", "error": "", "detail": []}
        try:
            statement = nhsa.reconcile_totals(
                opter="system", insutype=insutype, clr_type=clr_type, setl_optins=setl_optins, stmt_begndate=day,
                stmt_enddate=day, **values,
            )  # fmt: skip
        except (UpstreamError, ApplicationError) as exc:
            outcome["error"] = str(exc)[:300]
        else:
            outcome |= {"stmt_rslt": statement.stmt_rslt, "stmt_rslt_dscr": statement.stmt_rslt_dscr[:300]}
            if not statement.balanced:
                outcome["detail"] = group.detail
        check, _ = GatewayCheck.objects.update_or_create(
            bill_date=day, insutype=insutype, clr_type=clr_type, setl_optins=setl_optins, defaults=values | outcome
        )
        checks.append(check)
    standing = [(_group_of(movement), movement) for movement in settled if movement.pk not in undone]
    gateway_detail.compare(day=day, checks=checks, standing=standing)  # 3202 where the totals differ
    return checks


# --- download ------------------------------------------------------------------------------------------------


def check_file_fetch(*, day: datetime.date, progress: Progress | None = None) -> tuple[CheckFile, bool]:
    """Download the day's file (getCheckFile) and import it; then the gateway's 3201. (file, changed?)"""
    try:
        content = paylater.check_file(bill_date=day)
    except UpstreamError as exc:
        FetchAttempt.objects.create(bill_date=day, ok=False, message=str(exc)[:500])
        raise ApplicationError(f"下载对账文件失败：{exc}") from None
    try:
        file, changed = check_file_import(
            stream=io.BytesIO(content), bill_date=day, source=Source.FETCH,
            source_detail=settings.PAYLATER_PATHS["check_file"], progress=progress,
        )  # fmt: skip
    except FileRefused as exc:
        FetchAttempt.objects.create(bill_date=day, ok=False, message=f"文件被拒绝：{exc}"[:500])
        raise ApplicationError(f"平台的对账文件被拒绝，未导入：{exc}") from None
    if not changed:
        FetchAttempt.objects.create(bill_date=day, ok=True, message="与已导入的文件相同")
        return file, False
    FetchAttempt.objects.create(bill_date=day, ok=True, message=f"已导入 {file.summary.get('lines', 0)} 行")
    gateway_check(day=day)
    return file, True


def fetch_due(*, now: datetime.datetime | None = None) -> str:
    """The worker's morning job, run every few minutes: after RECONCILIATION_FETCH_AT (local time), fetch
    yesterday's file unless it is imported, backing off after each failure (RECONCILIATION_FETCH_BACKOFF minutes,
    doubling) up to RECONCILIATION_FETCH_ATTEMPTS tries."""
    now = timezone.localtime(now or timezone.now())
    hour, minute = (int(part) for part in settings.RECONCILIATION_FETCH_AT.split(":"))
    if now.time() < datetime.time(hour, minute):
        return "未到下载时间"
    day = now.date() - datetime.timedelta(days=1)
    if _current(day) is not None:
        return "已导入"
    failures = list(FetchAttempt.objects.filter(bill_date=day, ok=False).order_by("-attempted_at"))
    if len(failures) >= settings.RECONCILIATION_FETCH_ATTEMPTS:
        return "已达最大重试次数"
    if failures:
        wait = datetime.timedelta(minutes=settings.RECONCILIATION_FETCH_BACKOFF * 2 ** (len(failures) - 1))
        if now < failures[0].attempted_at + wait:
            return "等待重试"
    try:
        file, _ = check_file_fetch(day=day)
    except ApplicationError as exc:
        log.warning("reconciliation file of %s not imported: %s", day, exc.message)
        return exc.message
    return f"已导入 {file.summary.get('lines', 0)} 行"


# --- finance's notes -----------------------------------------------------------------------------------------


def discrepancy_explain(*, discrepancy: Discrepancy, text: str, author) -> DiscrepancyNote:
    """A note on a discrepancy (who, when, what). Money is never edited here: a correction is the ledger's."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写说明", {"field": "text"})
    if len(text) > 500:
        raise ApplicationError("说明不能超过500字", {"field": "text"})
    with transaction.atomic():
        note = DiscrepancyNote.objects.create(discrepancy=discrepancy, text=text, author=author)
        Discrepancy.objects.filter(pk=discrepancy.pk).update(explained=True)
    return note


def received_sweep(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Import received files whose queued job never ran (the queue was down). Returns how many were tried."""
    waiting = CheckFile.objects.filter(state=FileState.RECEIVED, received_at__lte=timezone.now() - older_than)
    tried = 0
    for file_id in waiting.values_list("pk", flat=True):
        tried += 1
        try:
            file = check_file_import_stored(file_id=file_id)
        except FileRefused:
            continue
        gateway_check(day=file.bill_date)
    return tried
