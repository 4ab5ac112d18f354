"""Writes: take purchases and returns in (entry, file, command, API), queue them, upload them one per call.

Every way in goes through `purchases_submit`: all records are checked against 附录三 first, and either all new
ones are queued or, if any record is wrong, nothing is. A record whose content is already known is not queued
again. The worker sends each queued row as one 3503 / 3504; a lost answer leaves the row 结果未知 until
apps.integrations.recovery has undone the message by 2601 (receivers.py), and only then is it sent again.
"""

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.refs import refers_to
from apps.integrations import transport
from apps.integrations.models import Exchange, Outcome
from apps.integrations.nhsa import client, purchase
from apps.integrations.transport import UpstreamRefused, UpstreamUnavailable, UpstreamUnknownOutcome
from apps.supplier_finance import importing
from apps.supplier_finance.models import Batch, Invoice, Kind, Purchase, Source, Status
from apps.supplier_finance.records import Record, RecordError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # sends that did nothing (gateway unreachable) before a row waits for a person
FIRST_RETRY = datetime.timedelta(seconds=30)
MAX_BACKOFF = datetime.timedelta(hours=1)
DUE_SWEEP_LIMIT = 500
# One worker task stops taking new rows after this long: django-q kills a task at 120 s, and a killed task would
# leave its current row 上传中 (a single call takes at most a sign-in plus one 3503 at the configured timeouts).
SWEEP_BUDGET_SECONDS = 60
STUCK_AFTER = datetime.timedelta(minutes=10)

PURCINFO_FIELDS = sorted({name for name, *_ in purchase.PURCHASE_3503 + purchase.RETURN_3504})
INVOICE_FIELDS = [name for name, *_ in purchase.INVOICE]


@dataclass
class Submission:
    rows: int
    batch: Batch | None = None
    items: list[Purchase] = field(default_factory=list)  # the row of each record, new or already known
    queued: list[Purchase] = field(default_factory=list)
    duplicates: list[Purchase] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


# --- checking and the content key -----------------------------------------------------------------------------


def _canonical(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _content_key(kind: str, node: dict, invoices: list[dict]) -> str:
    """The same purchase written as "100" or "100.0000" has one key."""
    purcinfo = {key: _canonical(value) for key, value in node.items() if key != "exp_content"}
    body = [kind, purcinfo, [{key: _canonical(value) for key, value in item.items()} for item in invoices]]
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


NUMERIC_FIELDS = {
    name for name, kind, *_ in purchase.PURCHASE_3503 + purchase.RETURN_3504 + purchase.INVOICE if kind == "num"
}


def _decimals(values: dict) -> dict:
    """The checked wire values, numbers back as Decimal (exp_content holds them as strings)."""
    return {key: Decimal(value) if key in NUMERIC_FIELDS else value for key, value in values.items()}


def record_check(record: Record) -> tuple[dict, list[dict], list[tuple[str, str]]]:
    """(purcinfo, invoices, []) with typed values, or ({}, [], every (field, message))."""
    if record.kind not in Kind.values:
        return {}, [], [("kind", f"应为“采购”（{Kind.PURCHASE}）或“退货”（{Kind.RETURN}），不是“{record.kind}”")]
    node, errors = purchase.check(record.purcinfo, record.invoices, is_return=record.kind == Kind.RETURN)
    if errors:
        return {}, [], errors
    invoices = [_decimals(item) for item in json.loads(node["exp_content"])["invoices"]]
    values = _decimals({key: value for key, value in node.items() if key != "exp_content"})
    return values, invoices, []


def _local_datetime(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S"))


def _model_values(values: dict) -> dict:
    out = {name: values.get(name, "") for name in PURCINFO_FIELDS}
    out["finl_trns_pric"] = values.get("finl_trns_pric")
    out["manu_date"] = datetime.date.fromisoformat(values["manu_date"])
    out["expy_end"] = datetime.date.fromisoformat(values["expy_end"])
    out["purc_retn_stoin_time"] = _local_datetime(values["purc_retn_stoin_time"])
    return out


def _invoice_values(item: dict, position: int) -> dict:
    values = {name: item.get(name, "") for name in INVOICE_FIELDS}
    return values | {"invoiceDate": datetime.date.fromisoformat(item["invoiceDate"]), "position": position}


def purchase_wire(row: Purchase) -> tuple[dict, list[dict]]:
    """A stored row back in the adapter's input form: the guide's names, texts and Decimals."""
    purcinfo = {}
    for name in PURCINFO_FIELDS:
        value = getattr(row, name)
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value not in (None, ""):
            purcinfo[name] = value
    invoices = []
    for invoice in row.invoices.all():
        item = {name: getattr(invoice, name) for name in INVOICE_FIELDS}
        item["invoiceDate"] = invoice.invoiceDate.isoformat()
        invoices.append({key: value for key, value in item.items() if value not in (None, "")})
    return purcinfo, invoices


# --- taking records in --------------------------------------------------------------------------------------


def records_check(records: list[Record]) -> tuple[list[tuple], list[RecordError]]:
    """Every record checked: [(kind, values, invoices, content key)] and every problem (repeats included)."""
    checked, errors, keys = [], [], {}
    for index, record in enumerate(records):
        values, invoices, problems = record_check(record)
        errors += [RecordError(index, where, message) for where, message in problems]
        if problems:
            continue
        key = _content_key(record.kind, values, invoices)
        if key in keys:
            errors.append(RecordError(index, "duplicate", f"与本次提交的第 {keys[key] + 1} 条记录内容完全相同"))
            continue
        keys[key] = index
        checked.append((record.kind, values, invoices, key))
    return checked, errors


def purchases_submit(
    records: list[Record], *, source: str, user=None, file_name: str = "", api_key_name: str = ""
) -> Submission:
    """Check every record; if all are right, queue the new ones in one batch. Nothing is written otherwise."""
    result = Submission(rows=len(records))
    checked, result.errors = records_check(records)
    if result.errors:
        return result
    keys = [key for *_, key in checked]
    known = {row.content_key: row for row in Purchase.objects.filter(content_key__in=keys)}
    result.duplicates = [known[key] for *_, key in checked if key in known]
    fresh = [item for item in checked if item[3] not in known]
    if not fresh:  # a duplicate changes nothing: not even an empty batch
        result.items = [known[key] for key in keys]
        return result
    with transaction.atomic():
        result.batch = Batch.objects.create(
            source=source,
            file_name=file_name[:200],
            created_by=user if getattr(user, "is_authenticated", False) else None,
            api_key_name=api_key_name,
            rows=len(records),
            duplicates=len(result.duplicates),
        )
        now = timezone.now()
        rows = [
            Purchase(kind=kind, batch=result.batch, content_key=key, next_attempt_at=now, **_model_values(values))
            for kind, values, _, key in fresh
        ]
        result.queued = Purchase.objects.bulk_create(rows)
        Invoice.objects.bulk_create(
            Invoice(purchase=row, **_invoice_values(item, position))
            for row, (_, _, invoices, _) in zip(result.queued, fresh, strict=True)
            for position, item in enumerate(invoices)
        )
        by_key = known | {row.content_key: row for row in result.queued}
        result.items = [by_key[key] for key in keys]
        batch_id = result.batch.pk
        transaction.on_commit(lambda: _schedule("apps.supplier_finance.tasks.upload_batch_task", batch_id))
    return result


@dataclass
class FileImport:
    rows: int
    queued: int
    duplicates: int
    errors: list[importing.FileError]
    batch: Batch | None = None


def _position(error: importing.FileError):
    return (error.line, len(error.column), error.column)


def purchases_import_file(*, name: str, content: bytes, source: str = Source.FILE, user=None) -> FileImport:
    """A spreadsheet in the template's layout: every problem with its line and column, or all new rows queued."""
    parsed = importing.file_read(name, content)
    records = [item.record for item in parsed.records]
    if parsed.errors:  # the layout is wrong somewhere: still check every record, so that all is said at once
        errors = parsed.errors + [parsed.locate(error) for error in records_check(records)[1]]
        return FileImport(rows=len(records), queued=0, duplicates=0, errors=sorted(errors, key=_position))
    result = purchases_submit(records, source=source, user=user, file_name=name)
    errors = sorted((parsed.locate(error) for error in result.errors), key=_position)
    return FileImport(
        rows=result.rows,
        queued=len(result.queued),
        duplicates=len(result.duplicates),
        errors=errors,
        batch=result.batch,
    )


def purchase_enter(*, record: Record, user) -> Purchase:
    """One purchase or return typed in on the screen. A duplicate changes nothing and says which row it is."""
    result = purchases_submit([record], source=Source.ENTRY, user=user)
    if result.errors:
        problems = [(error.field, error.message) for error in result.errors]
        raise ApplicationError(f"{problems[0][0]}: {problems[0][1]}", {"errors": problems})
    if result.duplicates:
        existing = result.duplicates[0]
        raise ApplicationError(f"与已有记录 {existing.pk} 内容完全相同，未重复加入", {"purchase_id": existing.pk})
    return result.queued[0]


def purchase_correct(*, row: Purchase, record: Record) -> Purchase:
    """Replace a failed row's fields and invoices and queue it again (its kind stays)."""
    if row.status != Status.FAILED:
        raise ApplicationError(f"只有上传失败的记录可以修改，当前状态：{row.get_status_display()}")
    values, invoices, problems = record_check(Record(row.kind, record.purcinfo, record.invoices))
    if problems:
        where, message = problems[0]
        raise ApplicationError(f"{where}: {message}", {"errors": problems})
    key = _content_key(row.kind, values, invoices)
    other = Purchase.objects.filter(content_key=key).exclude(pk=row.pk).first()
    if other is not None:
        raise ApplicationError(f"修改后与已有记录 {other.pk} 内容完全相同")
    with transaction.atomic():
        locked = Purchase.objects.select_for_update().get(pk=row.pk)
        if locked.status != Status.FAILED:
            raise ApplicationError(f"只有上传失败的记录可以修改，当前状态：{locked.get_status_display()}")
        for name, value in _model_values(values).items():
            setattr(locked, name, value)
        locked.content_key = key
        locked.invoices.all().delete()
        Invoice.objects.bulk_create(
            Invoice(purchase=locked, **_invoice_values(item, position)) for position, item in enumerate(invoices)
        )
        _requeue(locked, "已修改，等待重新上传")
    return locked


def purchase_retry(*, row: Purchase) -> Purchase:
    """Send a failed row again as it is (e.g. after the gateway's catalogue was fixed)."""
    with transaction.atomic():
        locked = Purchase.objects.select_for_update().get(pk=row.pk)
        if locked.status != Status.FAILED:
            raise ApplicationError(f"只有上传失败的记录可以重新上传，当前状态：{locked.get_status_display()}")
        _requeue(locked, "等待重新上传")
    return locked


def _requeue(row: Purchase, message: str) -> None:
    row.status, row.status_message = Status.PENDING, message
    row.attempts, row.next_attempt_at = 0, timezone.now()
    row.save()
    transaction.on_commit(lambda: _schedule("apps.supplier_finance.tasks.upload_purchase_task", row.pk))


def _schedule(func: str, *args) -> None:
    from django_q.tasks import async_task

    try:
        async_task(func, *args)
    except Exception:  # the minute sweep sends it anyway
        log.warning("could not queue %s%s; the periodic sweep will", func, args)


# --- uploading -------------------------------------------------------------------------------------------------


def _backoff(attempts: int) -> datetime.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def purchase_upload(*, purchase_id: int) -> Purchase:
    """Send one due row as one 3503 / 3504. Claims it first, so two workers never send the same row."""
    now = timezone.now()
    claimed = Purchase.objects.filter(pk=purchase_id, status=Status.PENDING, next_attempt_at__lte=now).update(
        status=Status.SENDING, attempts=F("attempts") + 1, status_message="", updated_at=now
    )
    row = Purchase.objects.get(pk=purchase_id)
    if not claimed:
        return row
    purcinfo, invoices = purchase_wire(row)
    send = client.return_purchase if row.is_return else client.upload_purchase
    try:
        ack = send(opter="system", purcinfo=purcinfo, invoices=invoices, business=row)
    except UpstreamUnknownOutcome as exc:
        # Maybe recorded, maybe not: recovery undoes the message by 2601 first; never send it again before that.
        _finish(row, Status.UNKNOWN, "上传结果未知，正在核实（冲正后自动重新上传）", exc)
    except UpstreamRefused as exc:
        _finish(row, Status.FAILED, exc.upstream_message or str(exc), exc)
    except UpstreamUnavailable as exc:
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row, Status.FAILED, f"医保平台多次无法连通，已停止自动重试：{exc}", exc)
        else:
            row.next_attempt_at = timezone.now() + _backoff(row.attempts)
            _finish(row, Status.PENDING, f"医保平台暂时无法连通，将于稍后自动重试：{exc}", exc)
    except ApplicationError as exc:
        _finish(row, Status.FAILED, exc.message, None)
    else:
        row.uploaded_at = timezone.now()
        row.msgid = ack.msgid
        _finish(row, Status.UPLOADED, ack.warn_msg, None)
    return row


def _finish(row: Purchase, status: str, message: str, exc) -> None:
    row.status, row.status_message = status, str(message)[:500]
    if exc is not None and exc.exchange is not None:
        row.msgid = exc.exchange.msgid
    row.save(update_fields=["status", "status_message", "msgid", "uploaded_at", "next_attempt_at", "updated_at"])


def purchases_upload_due(*, batch_id: int | None = None) -> int:
    """The worker's loop: rows whose time has come (of one batch, or all), for at most SWEEP_BUDGET_SECONDS;
    the next sweep takes the rest. Returns how many were uploaded."""
    started = time.monotonic()
    due = Purchase.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
    if batch_id is not None:
        due = due.filter(batch_id=batch_id)
    uploaded = 0
    for purchase_id in due.order_by("id").values_list("pk", flat=True)[:DUE_SWEEP_LIMIT]:
        if time.monotonic() - started > SWEEP_BUDGET_SECONDS:
            break
        uploaded += purchase_upload(purchase_id=purchase_id).status == Status.UPLOADED
    return uploaded


def _last_exchange(row: Purchase) -> Exchange | None:
    return Exchange.objects.filter(refers_to(row), interface=row.kind).order_by("-id").first()


def purchases_release_stuck() -> int:
    """Rows left 上传中 by a worker that died mid-call: decided from the exchange log, never by sending again.

    No call logged, or one that certainly did not go out: send it normally. An answer that was read: take it.
    A call whose answer never came: its outcome is unknown, and recovery undoes it by 2601 like any other.
    """
    stale = Purchase.objects.filter(status=Status.SENDING, updated_at__lt=timezone.now() - STUCK_AFTER)
    released = 0
    for row in stale:
        with transaction.atomic():
            row = Purchase.objects.select_for_update().get(pk=row.pk)
            if row.status != Status.SENDING:
                continue
            exchange = _last_exchange(row)
            outcome = exchange.outcome if exchange and exchange.created_at >= row.updated_at else None
            if outcome == Outcome.OK:
                row.uploaded_at, row.msgid = exchange.created_at, exchange.msgid
                _finish(row, Status.UPLOADED, "", None)
            elif outcome == Outcome.REFUSED:
                row.msgid = exchange.msgid
                _finish(row, Status.FAILED, exchange.upstream_message, None)
            elif outcome in (Outcome.PENDING, Outcome.UNKNOWN):
                if outcome == Outcome.PENDING:
                    transport.exchange_settle(exchange, Outcome.UNKNOWN, message="发送进程中断，应答未读取")
                row.msgid = exchange.msgid
                _finish(row, Status.UNKNOWN, "上传进程中断，结果未知，正在核实（冲正后自动重新上传）", None)
            else:
                _requeue(row, "上传进程中断，请求未发出，重新排队")
            released += 1
    return released


def purchase_outcome_resolved(*, purchase_id: int, final: str, detail: str) -> None:
    """Recovery decided a lost 3503 / 3504: it stands (已上传), or it was undone / never happened (send again)."""
    from apps.integrations.recovery import SUCCEEDED

    row = Purchase.objects.select_for_update().filter(pk=purchase_id, status=Status.UNKNOWN).first()
    if row is None:
        return
    if final == SUCCEEDED:
        row.uploaded_at = timezone.now()
        _finish(row, Status.UPLOADED, detail, None)
        return
    _requeue(row, f"上次上传未生效（{detail}），已重新排队")
