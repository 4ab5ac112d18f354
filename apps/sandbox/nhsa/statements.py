"""The simulated gateway's reconciliation: 3201 totals and 3202 detail from its own settlements, and the files
3202 works on (9101 upload, 9102 download). The files' layout is the portal's [assumed] one (nhsa/assumed.py):
the sandbox reads and writes exactly what the adapter does, so the two cannot drift apart."""

import base64
import binascii
import datetime
from decimal import Decimal

from django.utils import timezone

from apps.core.money import format_money
from apps.integrations.nhsa import assumed
from apps.sandbox.nhsa.engine import Refusal, new_id
from apps.sandbox.nhsa.models import Settlement, StoredFile

ZERO = Decimal("0.00")
KEPT_FOR = datetime.timedelta(days=1)
AMOUNTS = (("medfee_sumamt", "医疗费总额"), ("fund_pay_sumamt", "基金支付"), ("acct_pay", "个人账户"))


def standing(*, begin: str, end: str, clr_type: str, insutype: str = ""):
    """Settlements of the period still standing (a reversed one is out), of one clearing type (21 inpatient,
    anything else outpatient) and, if given, one insurance type."""
    rows = Settlement.objects.filter(
        status=Settlement.Status.SETTLED,
        setl_time__date__gte=begin,
        setl_time__date__lte=end,
        infno__in=("2304",) if clr_type == "21" else ("2207", "2207B"),
    ).select_related("person")
    return rows.filter(person__insutype=insutype) if insutype else rows


def _store(*, filename: str, kind: str, content: bytes, fixmedins_code: str) -> StoredFile:
    return StoredFile.objects.create(
        file_qury_no=new_id(),
        filename=filename,
        kind=kind,
        fixmedins_code=fixmedins_code,
        content=content,
        dld_endtime=timezone.now() + KEPT_FOR,
    )


def _fileinfo(stored: StoredFile) -> dict:
    return {
        "file_qury_no": stored.file_qury_no,
        "filename": stored.filename,
        "dld_endtime": timezone.localtime(stored.dld_endtime).strftime("%Y-%m-%d %H:%M:%S"),
    }


def upload(*, data: str, filename: str, fixmedins_code: str) -> dict:
    """9101: keep the file; answer where it is."""
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("in 不是合法的 base64 文件内容") from None
    if not content:
        raise Refusal("上传文件为空")
    stored = _store(filename=filename, kind=StoredFile.Kind.UPLOAD, content=content, fixmedins_code=fixmedins_code)
    return _fileinfo(stored)


def _file(*, file_qury_no: str, kind: str, fixmedins_code: str, filename: str = "") -> StoredFile:
    stored = StoredFile.objects.filter(file_qury_no=file_qury_no, kind=kind, fixmedins_code=fixmedins_code).first()
    if stored is None or (filename and stored.filename != filename):
        raise Refusal(f"文件查询号 {file_qury_no} 不存在")
    if stored.dld_endtime < timezone.now():
        raise Refusal(f"文件 {stored.filename} 已过下载截止时间")
    return stored


def _listed(content: bytes) -> list[dict]:
    try:
        rows = assumed.read_rows(assumed.DETAIL_FILE_FIELDS, bytes(content))
    except ValueError as exc:
        raise Refusal(f"明细文件格式错误：{exc}") from None
    seen = set()
    for row in rows:
        if not row["setl_id"] or row["setl_id"] in seen:
            raise Refusal(f"明细文件中结算ID为空或重复：{row['setl_id']!r}")
        seen.add(row["setl_id"])
        for key in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay"):
            try:
                row[key] = Decimal(row[key])
            except ArithmeticError:
                raise Refusal(f"明细文件 {row['setl_id']} 的 {key} 不是金额") from None
    return rows


def _check_totals(rows: list[dict], totals: dict) -> None:
    """3202's totals must be the file's: the gateway refuses a statement whose file says otherwise."""
    if len(rows) != totals["fixmedins_setl_cnt"]:
        raise Refusal(f"明细文件 {len(rows)} 笔，与 fixmedins_setl_cnt {totals['fixmedins_setl_cnt']} 不符")
    for key, column in (("medfee_sumamt", "medfee_sumamt"), ("fund_pay_sumamt", "fund_pay_sumamt"),
                        ("cash_payamt", "psn_cash_pay")):  # fmt: skip
        if sum((row[column] for row in rows), ZERO) != totals[key]:
            raise Refusal(f"明细文件合计与 {key} 不符")


def _result_row(row, *, stmt_rslt: str, memo: str, amounts) -> dict:
    return {
        "psn_no": row["psn_no"], "mdtrt_id": row["mdtrt_id"], "setl_id": row["setl_id"], "msgid": row["msgid"],
        "stmt_rslt": stmt_rslt, "refd_setl_flag": "0", "memo": memo,
        **{key: format_money(amounts[key]) for key, _ in AMOUNTS},
    }  # fmt: skip


def _ours(settlement: Settlement) -> dict:
    return {
        "psn_no": settlement.person.psn_no, "mdtrt_id": settlement.mdtrt_id, "setl_id": settlement.setl_id,
        "msgid": settlement.msgid, **{key: getattr(settlement, key) for key, _ in AMOUNTS},
    }  # fmt: skip


def compare(listed: list[dict], settlements) -> list[dict]:
    """Each listed settlement against the gateway's, then the gateway's the hospital did not list."""
    theirs = {row.setl_id: row for row in settlements}
    rows = []
    for row in listed:
        settlement = theirs.pop(row["setl_id"], None)
        if settlement is None:
            rows.append(_result_row(row, stmt_rslt=assumed.DETAIL_HOSPITAL_ONLY, memo="医保中心无此结算", amounts=row))
            continue
        gateway = _ours(settlement)
        differ = [
            f"{label}：医保 {format_money(gateway[key])}，机构 {format_money(row[key])}"
            for key, label in AMOUNTS
            if gateway[key] != row[key]
        ]
        code = assumed.DETAIL_AMOUNT_DIFFERS if differ else assumed.DETAIL_MATCHED
        rows.append(_result_row(gateway, stmt_rslt=code, memo="；".join(differ) or "一致", amounts=gateway))
    for settlement in theirs.values():
        gateway = _ours(settlement)
        memo = "机构未上传此结算"
        rows.append(_result_row(gateway, stmt_rslt=assumed.DETAIL_GATEWAY_ONLY, memo=memo, amounts=gateway))
    return rows


def detail(*, data: dict, fixmedins_code: str, totals: dict) -> dict:
    """3202: compare the uploaded file with the gateway's settlements; the result waits for 9102."""
    upload = _file(file_qury_no=data["file_qury_no"], kind=StoredFile.Kind.UPLOAD, fixmedins_code=fixmedins_code)
    listed = _listed(upload.content)
    _check_totals(listed, totals)
    rows = compare(listed, standing(begin=data["stmt_begndate"], end=data["stmt_enddate"], clr_type=data["clr_type"]))
    result = _store(
        filename=f"RESULT_{upload.filename}",
        kind=StoredFile.Kind.RESULT,
        content=assumed.write_rows(assumed.RESULT_FILE_FIELDS, rows),
        fixmedins_code=fixmedins_code,
    )
    return {"fileinfo": _fileinfo(result)}


def download(*, file_qury_no: str, filename: str, fixmedins_code: str) -> StoredFile:
    """9102: a result file of this institution."""
    kind = StoredFile.Kind.RESULT
    return _file(file_qury_no=file_qury_no, kind=kind, fixmedins_code=fixmedins_code, filename=filename)
