"""The gateway's side, settlement by settlement: 3202 where 3201 said the totals differ.

3202 has no insurance type: it compares one clearing type and agency. So for every (clr_type, setl_optins) of which
some 3201 disagreed, the ledger's standing settlements of that day, clearing type and agency are written to a
detail file, uploaded (9101), compared (3202) and the result file downloaded (9102). Each of its rows is kept
with the ledger's amounts beside the gateway's. A failure on the way is recorded as the group's error; the day's
other groups go on. The file layouts are [assumed] (apps.integrations.nhsa.assumed).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.integrations.nhsa import assumed
from apps.integrations.nhsa import client as nhsa
from apps.integrations.transport import UpstreamError
from apps.ledger.models import MoneyMovement
from apps.reconciliation.models import DetailResult, GatewayCheck, GatewayDetail, GatewayDetailLine

ZERO = Decimal("0.00")
RESULTS = {
    assumed.DETAIL_MATCHED: DetailResult.MATCHED,
    assumed.DETAIL_AMOUNT_DIFFERS: DetailResult.AMOUNT_MISMATCH,
    assumed.DETAIL_HOSPITAL_ONLY: DetailResult.MISSING_GATEWAY,
    assumed.DETAIL_GATEWAY_ONLY: DetailResult.MISSING_LOCAL,
}
AMOUNTS = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")

Standing = list[tuple[tuple[str, str, str], MoneyMovement]]  # ((insutype, clr_type, setl_optins), settlement)


def compare(*, day: datetime.date, checks: list[GatewayCheck], standing: Standing) -> list[GatewayDetail]:
    """3202 for each clearing type and agency some of whose 3201 disagreed; a group no longer in doubt loses its
    earlier detail (a later 3201 that agrees, or one that could not be made, leaves nothing stale behind)."""
    doubtful = sorted({(c.clr_type, c.setl_optins) for c in checks if c.stmt_rslt and not c.balanced})
    kept = GatewayDetail.objects.filter(bill_date=day)
    for clr_type, setl_optins in doubtful:
        kept = kept.exclude(clr_type=clr_type, setl_optins=setl_optins)
    kept.delete()
    groups = defaultdict(list)
    for (insutype, clr_type, setl_optins), movement in standing:
        groups[(clr_type, setl_optins)].append((insutype, movement))
    return [_compare_group(day, *key, groups[key]) for key in doubtful]


def _amount(value) -> Decimal:
    return value if value is not None else ZERO


def _file_row(movement: MoneyMovement) -> dict:
    return {
        "setl_id": movement.setl_id,
        "mdtrt_id": movement.mdtrt_id,
        "psn_no": str((movement.setlinfo or {}).get("psn_no") or movement.patient.psn_no),
        "msgid": movement.msgid,
        **{key: format_money(_amount(getattr(movement, key))) for key in (*AMOUNTS, "psn_cash_pay")},
        "refd_setl_flag": "0",
    }


def _compare_group(day, clr_type: str, setl_optins: str, settlements: list) -> GatewayDetail:
    movements = [movement for _, movement in settlements]
    totals = {
        "medfee_sumamt": sum((_amount(m.medfee_sumamt) for m in movements), ZERO),
        "fund_pay_sumamt": sum((_amount(m.fund_pay_sumamt) for m in movements), ZERO),
        "cash_payamt": sum((_amount(m.psn_cash_pay) for m in movements), ZERO),
        "fixmedins_setl_cnt": len(movements),
    }
    found = {"upload_qury_no": "", "result_qury_no": "", "result_filename": "", "error": ""}
    rows = []
    try:
        content = assumed.write_rows(assumed.DETAIL_FILE_FIELDS, [_file_row(m) for m in movements])
        uploaded = nhsa.upload_file(
            opter="system",
            filename=assumed.detail_filename(day=day, clr_type=clr_type, setl_optins=setl_optins),
            content=content,
        )
        found["upload_qury_no"] = uploaded.file_qury_no
        info = nhsa.reconcile_detail(
            opter="system", setl_optins=setl_optins, file_qury_no=uploaded.file_qury_no, clr_type=clr_type,
            stmt_begndate=day, stmt_enddate=day, **totals,
        )  # fmt: skip
        found |= {"result_qury_no": info.file_qury_no, "result_filename": info.filename}
        rows = nhsa.download_file(opter="system", file_qury_no=info.file_qury_no, filename=info.filename).rows
        _covers(rows, movements)
    except (UpstreamError, ApplicationError, ValueError) as exc:
        found["error"] = str(exc)[:300]
        rows = []
    with transaction.atomic():
        detail, _ = GatewayDetail.objects.update_or_create(
            bill_date=day, clr_type=clr_type, setl_optins=setl_optins, defaults=totals | found
        )
        detail.lines.all().delete()
        ours = {movement.setl_id: (insutype, movement) for insutype, movement in settlements}
        GatewayDetailLine.objects.bulk_create([_line(detail, row, ours.get(row.setl_id)) for row in rows])
    return detail


def _covers(rows, movements) -> None:
    """The result answers for every settlement sent; fewer means a file cut short, not settlements that agree."""
    missing = {m.setl_id for m in movements} - {row.setl_id for row in rows}
    if missing:
        raise ValueError(f"9102: 对账结果文件不完整，缺少本院 {len(missing)} 笔结算")


def _line(detail: GatewayDetail, row, ours) -> GatewayDetailLine:
    result = RESULTS.get(row.stmt_rslt, DetailResult.OTHER)
    insutype, movement = ours or ("", None)
    line = GatewayDetailLine(
        detail=detail,
        bill_date=detail.bill_date,
        insutype=insutype,
        setl_id=row.setl_id[:40],
        mdtrt_id=row.mdtrt_id[:40],
        psn_no=row.psn_no[:30],
        org_trace_no=movement.org_trace_no if movement else "",
        stmt_rslt=row.stmt_rslt[:6],
        result=result,
        memo=row.memo[:300],
    )
    for key in AMOUNTS:
        if movement is not None:
            setattr(line, f"local_{key}", _amount(getattr(movement, key)))
        if result != DetailResult.MISSING_GATEWAY:  # that row's amounts are only ours, echoed
            setattr(line, f"gateway_{key}", getattr(row, key))
    return line
