"""Receiving, importing and matching the platform's daily file; the gateway's 3201 totals; finance's notes.

An import streams the file once: its bytes are stored (hash, size, source) while its lines are parsed and loaded,
a block at a time, into a temporary table, where they are matched with the ledger in SQL. A refused file leaves
nothing behind (the command's contract) or, for a page upload run in the worker, only the refused file's record
with its reason. The same bytes again for the same day change nothing. A different file for a day replaces the
day's current file, which is kept as REPLACED with its findings.
"""

import datetime
import hashlib
import logging
import os
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
from apps.reconciliation.loading import Stage, StoredStream, StoringStream
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
from apps.reconciliation.parsing import SUCCESS, CheckFileReader, FileRefused, cents_text, first_date

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50_000
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
            current = _current(bill_date)
            if current is not None and current.size == os.fstat(handle.fileno()).st_size:  # else not the same file
                digest = hashlib.sha256()
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(block)
                if current.sha256 == digest.hexdigest():
                    return current, False
                handle.seek(0)
            file = check_file_import(
                stream=handle, bill_date=bill_date, source=Source.COMMAND, source_detail=str(path)[:300],
                progress=progress,
            )  # fmt: skip
    except OSError as exc:
        raise ApplicationError(f"无法读取文件 {path}：{exc.strerror}") from None
    except FileRefused as exc:
        raise ApplicationError(f"文件被拒绝，未导入：{exc}") from None
    return file, True


def check_file_import(
    *,
    stream,
    bill_date: datetime.date,
    source: str,
    source_detail: str = "",
    user=None,
    progress: Progress | None = None,
) -> CheckFile:
    """Store and import `stream` in one pass. Raises FileRefused (nothing kept) on a bad file. Returns the day's
    current file afterwards: this one, or the earlier one when the bytes are the same."""
    file = CheckFile.objects.create(
        bill_date=bill_date, sha256="", size=0, source=source, source_detail=source_detail, received_by=user,
        state=FileState.IMPORTING,
    )  # fmt: skip
    storing = StoringStream(stream, file.pk)
    try:
        counts = _import(file, CheckFileReader(storing), progress)
        file.sha256, file.size = storing.sha256.hexdigest(), storing.size
        CheckFile.objects.filter(pk=file.pk).update(sha256=file.sha256, size=file.size)
        return _finish(file, counts)
    except BaseException:  # refused, or interrupted: nothing of it stays
        _discard(file)
        raise


def check_file_store(*, content: bytes | None = None, stream=None, bill_date, source, source_detail="", user=None):
    """Keep a received file (page upload, download) for the worker to import: (file, already current?)."""
    file = CheckFile.objects.create(
        bill_date=bill_date, sha256="", size=0, source=source, source_detail=source_detail, received_by=user
    )
    storing = StoringStream(stream if stream is not None else _BytesReader(content), file.pk)
    while storing.read(1024 * 1024):
        pass
    file.sha256, file.size = storing.sha256.hexdigest(), storing.size
    current = _current(bill_date)
    if current is not None and current.sha256 == file.sha256:
        _discard(file)
        return current, True
    file.save(update_fields=["sha256", "size"])
    return file, False


class _BytesReader:
    def __init__(self, content: bytes):
        self._content, self._at = content, 0

    def read(self, size: int) -> bytes:
        piece = self._content[self._at : self._at + size]
        self._at += len(piece)
        return piece


def check_file_import_stored(*, file_id: int, progress: Progress | None = None) -> CheckFile:
    """The worker's half of a page upload or a download: import a stored file. A refusal keeps the file's record
    (state REFUSED, with the reason) so that finance sees why; its lines are removed."""
    claimed = CheckFile.objects.filter(pk=file_id, state=FileState.RECEIVED).update(state=FileState.IMPORTING)
    file = CheckFile.objects.get(pk=file_id)
    if not claimed:
        return file
    try:
        counts = _import(file, CheckFileReader(StoredStream(file.pk)), progress)
    except FileRefused as exc:
        CheckFile.objects.filter(pk=file.pk).update(state=FileState.REFUSED, error=str(exc)[:500])
        file.refresh_from_db()
        raise
    return _finish(file, counts)


def _import(file: CheckFile, reader: CheckFileReader, progress: Progress | None) -> dict:
    """Load the file's lines into a temporary table and match them with the ledger: the counts of CONTRACT.md 6."""
    with Stage() as stage:
        _load(file, reader, stage, progress)
        return match(file, stage)


def _load(file: CheckFile, reader: CheckFileReader, stage: Stage, progress: Progress | None) -> None:
    reported = 0
    for batch in reader.batches():
        stage.add(batch)
        if stage.loaded - reported >= PROGRESS_EVERY:
            reported = stage.loaded
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


def match(file: CheckFile, stage: Stage) -> dict:
    """Compare the file's lines (in `stage`) with the ledger in SQL; keep the lines that disagree (CheckLine) and a
    Discrepancy for each disagreement; return the five counts and what the ledger booked through the platform on
    the day (succeeded payments and refunds, for the day view).

    A line matches the movement of a platform channel with its order number and its sign (payment or refund),
    whatever day the ledger booked it; a succeeded movement of the day that the file does not list is missing on
    the platform. The day of a movement is when it took effect (or, still pending, when it was recorded).

    Most lines match a succeeded movement of the day: those are joined first, in two temporary tables. Only the
    rest are looked up in the whole ledger, and only the lines that disagree are read again for their other fields.
    """
    lines, day, kept, movements = Stage.TABLE, Stage.DAY, Stage.KEPT, MoneyMovement._meta.db_table
    found = Discrepancy._meta.db_table
    channels = _platform_channels()
    marks = ", ".join(["%s"] * len(channels))
    cents = "CAST(ROUND({}.amount * 100) AS bigint)"
    # A movement's final status never changes (ledger.services.movement_finish), so "its latest status is
    # succeeded" is "it has a succeeded event": a semi-join instead of a latest-event lookup. A movement with a
    # time it took effect was recorded as succeeded (ledger.services.movement_create): no event to look up.
    succeeded = f"EXISTS (SELECT 1 FROM {MovementEvent._meta.db_table} e WHERE e.movement_id = m.id AND e.status = %s)"
    start, end = _day_bounds(file.bill_date)
    with transaction.atomic(), connection.cursor() as cursor:
        stage.bulk()
        cursor.execute(
            f"INSERT INTO {day} (id, org_trace_no, cents) SELECT m.id, m.org_trace_no, {cents.format('m')} "
            f"FROM {movements} m WHERE m.channel IN ({marks}) AND (m.occurred_at >= %s AND m.occurred_at < %s "
            f"OR m.occurred_at IS NULL AND m.created_at >= %s AND m.created_at < %s AND {succeeded})",
            [*channels, *[_db_time(start), _db_time(end)] * 2, Status.SUCCEEDED],
        )
        stage.index_day()
        same_sign = "(d.cents < 0) = (l.cents < 0)"
        cursor.execute(
            f"INSERT INTO {kept} SELECT l.line_no, l.order_no, l.cents, l.status FROM {lines} l LEFT JOIN {day} d "
            f"ON d.org_trace_no = l.order_no AND {same_sign} "
            "WHERE d.id IS NULL OR d.cents <> l.cents OR l.status <> %s",
            [SUCCESS],
        )
        cursor.execute(  # the movement of another day that the line matches
            f"DELETE FROM {kept} WHERE status = %s AND EXISTS (SELECT 1 FROM {movements} m WHERE m.org_trace_no = "
            f"{kept}.order_no AND m.channel IN ({marks}) AND {cents.format('m')} = {kept}.cents AND {succeeded})",
            [SUCCESS, *channels, Status.SUCCEEDED],
        )
        _keep_lines(file, stage)
        _record_discrepancies(file, cursor, channels)
        cursor.execute(f"SELECT category, COUNT(*) FROM {found} WHERE file_id = %s GROUP BY category", [file.pk])
        counts = dict.fromkeys(COUNTS, 0) | dict(cursor.fetchall())
        cursor.execute(
            "SELECT COALESCE(SUM(CASE WHEN cents >= 0 THEN 1 END), 0), COALESCE(SUM(CASE WHEN cents >= 0 "
            "THEN cents END), 0), COALESCE(SUM(CASE WHEN cents < 0 THEN 1 END), 0), "
            f"COALESCE(SUM(CASE WHEN cents < 0 THEN cents END), 0) FROM {day}"
        )
        payments, paid, refunds, refunded = cursor.fetchone()
    unmatched = counts[Category.MISSING_LOCAL] + counts[Category.AMOUNT_MISMATCH] + counts[Category.STATUS_MISMATCH]
    counts["matched"] = file.summary["lines"] - unmatched
    return counts | {
        "local_payments": payments,
        "local_payment_amount": cents_text(int(paid)),
        "local_refunds": refunds,
        "local_refund_amount": cents_text(int(refunded)),
    }


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


def _keep_lines(file: CheckFile, stage: Stage, batch: int = 5_000) -> None:
    """The lines that disagree, with all their fields, read again from the stored file."""
    local = datetime.timezone(_local_offset(file.bill_date))
    reader = CheckFileReader(StoredStream(file.pk))
    pending = []
    for line in reader.details(_kept_numbers()):
        pending.append(
            CheckLine(
                file=file, line_no=line.line_no, order_no=line.order_no, bank_order_no=line.bank_order_no,
                traded_at=datetime.datetime.fromisoformat(line.traded_at).replace(tzinfo=local), status=line.status,
                description=line.description, amount=Decimal(line.amount), bank_refund_sn=line.bank_refund_sn,
                discount=Decimal(line.discount),
            )
        )  # fmt: skip
        if len(pending) >= batch:
            CheckLine.objects.bulk_create(pending)
            pending = []
    CheckLine.objects.bulk_create(pending)


def _record_discrepancies(file: CheckFile, cursor, channels: list[str]) -> None:
    lines, day, movements = Stage.TABLE, Stage.DAY, MoneyMovement._meta.db_table
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
        f"{direction.format('m.amount')}, m.org_trace_no, NULL, m.id, NULL, m.amount, '', %s, %s FROM {day} d "
        f"JOIN {movements} m ON m.id = d.id WHERE NOT EXISTS "
        f"(SELECT 1 FROM {lines} l WHERE l.order_no = d.org_trace_no AND (l.cents < 0) = (d.cents < 0))",
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
    current = _current(day)
    if current is not None and current.sha256 == hashlib.sha256(content).hexdigest():
        FetchAttempt.objects.create(bill_date=day, ok=True, message="与已导入的文件相同")
        return current, False
    try:
        file = check_file_import(
            stream=_BytesReader(content), bill_date=day, source=Source.FETCH,
            source_detail=settings.PAYLATER_PATHS["check_file"], progress=progress,
        )  # fmt: skip
    except FileRefused as exc:
        FetchAttempt.objects.create(bill_date=day, ok=False, message=f"文件被拒绝：{exc}"[:500])
        raise ApplicationError(f"平台的对账文件被拒绝，未导入：{exc}") from None
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
