"""The simulated gateway over HTTP: POST /sandbox/nhsa/fsi/api/rsfComIfsService/callService, plus a page.

It checks what the real gateway checks (x-tif-* signature and time window, a msgid never seen before, a valid
sign_no) and answers the envelope of INTERFACES.md 3.1. Refusals answer infcode "-1" as a string, successes 0
as a number: both forms occur in the wild, and the portal must read either.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core import pii
from apps.core.idcard import IdCardError, birth_date, gender_code, normalize_idcard
from apps.core.money import CENT
from apps.sandbox import faults
from apps.sandbox.models import Fault, FaultMode
from apps.sandbox.nhsa import appendix3, engine, statements
from apps.sandbox.nhsa.engine import Refusal
from apps.sandbox.nhsa.models import Deposit, Message, Settlement, SignIn, Visit
from apps.sandbox.people import ensure_demo_people, person_by_certno, person_by_medium

TIMESTAMP_WINDOW_SECONDS = 300
_MSGID = re.compile(r"^.{12}\d{18}$")


def _reply(*, output=None, err_msg: str = "", warn_msg: str = "") -> JsonResponse:
    now = timezone.localtime()
    return JsonResponse(
        {
            "infcode": "-1" if err_msg else 0,
            "inf_refmsgid": engine.new_id(),
            "refmsg_time": now.strftime("%Y%m%d%H%M%S%f")[:17],
            "respond_time": timezone.localtime().strftime("%Y%m%d%H%M%S%f")[:17],
            "err_msg": err_msg,
            "warn_msg": warn_msg,
            "output": output or {},
            "cainfo": "",
            "signtype": "",
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _header_fault(request) -> str:
    paasid = request.headers.get("x-tif-paasid", "")
    timestamp = request.headers.get("x-tif-timestamp", "")
    nonce = request.headers.get("x-tif-nonce", "")
    signature = request.headers.get("x-tif-signature", "")
    if paasid != settings.NHSA_PAASID:
        return "x-tif-paasid 无效"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TIMESTAMP_WINDOW_SECONDS:
        return "x-tif-timestamp 缺失或超出时间窗口"
    if not nonce:
        return "x-tif-nonce 缺失"
    expected = hashlib.sha256(f"{timestamp}{settings.NHSA_SECRET}{nonce}{timestamp}".encode()).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "x-tif-signature 签名校验失败"
    return ""


def _envelope_fault(envelope: dict, infno: str) -> str:
    if infno not in HANDLERS:
        return f"不支持的交易编号 infno={infno!r}"
    msgid = envelope.get("msgid")
    if not isinstance(msgid, str) or not _MSGID.match(msgid):
        return "msgid 应为30位：机构编码(12)+yyyyMMddHHmmss+4位顺序号"
    for key in ("mdtrtarea_admvs", "opter", "opter_name", "fixmedins_code", "infver"):
        if not envelope.get(key):
            return f"{key} 必填"
    if not isinstance(envelope.get("input"), dict):
        return "input 应为对象"
    if infno != "9001":
        valid = SignIn.objects.filter(
            sign_no=str(envelope.get("sign_no") or ""), opter=envelope["opter"], sign_date=timezone.localdate()
        ).exists()
        if not valid:
            return "sign_no 无效或已过期，请先签到(9001)"
    return ""


@csrf_exempt
@require_POST
def call_service(request):
    try:
        envelope = json.loads(request.body, parse_float=Decimal)
    except ValueError:
        return _reply(err_msg="报文不是合法的 JSON")
    if not isinstance(envelope, dict):
        return _reply(err_msg="报文不是 JSON 对象")
    infno = str(envelope.get("infno") or "")
    return faults.serve("nhsa", infno, lambda: _process(request, envelope, infno))


def _process(request, envelope: dict, infno: str) -> JsonResponse:
    fault = _header_fault(request) or _envelope_fault(envelope, infno)
    if fault:
        return _reply(err_msg=fault)
    msgid = envelope["msgid"]
    reused = _reply(err_msg=f"报文ID重复：{msgid} 已处理过，不能再次使用")
    if Message.objects.filter(msgid=msgid).exists():
        return reused
    try:
        with transaction.atomic():
            message = Message.objects.create(
                msgid=msgid, infno=infno, opter=envelope["opter"], psn_no=_psn_no(envelope["input"])
            )
            try:
                with transaction.atomic():
                    output = HANDLERS[infno](envelope, envelope["input"], msgid)
            except Refusal as refusal:
                message.infcode, message.err_msg = -1, str(refusal)[:300]
                message.save(update_fields=["infcode", "err_msg"])
                return _reply(err_msg=str(refusal))
    except IntegrityError:
        return reused  # the same msgid arrived twice at once
    if isinstance(output, HttpResponse):
        return output  # 9102 answers the file itself
    return _reply(output=output)


def _psn_no(inp: dict) -> str:
    for key in ("data", "mdtrtinfo", "dscginfo"):
        if isinstance(inp.get(key), dict) and inp[key].get("psn_no"):
            return str(inp[key]["psn_no"])
    lines = inp.get("feedetail")
    if isinstance(lines, list) and lines and isinstance(lines[0], dict):
        return str(lines[0].get("psn_no") or "")
    return ""


def _node(inp: dict, name: str) -> dict:
    value = inp.get(name)
    if not isinstance(value, dict):
        raise Refusal(f"input.{name} 缺失")
    return value


def _field(node: dict, key: str) -> str:
    value = node.get(key)
    if value is None or value == "":
        raise Refusal(f"{key} 必填")
    return str(value)


def _money(node: dict, key: str) -> Decimal:
    value = node.get(key)
    if isinstance(value, (bool, float)) or value in (None, ""):
        raise Refusal(f"{key} 应为金额")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise Refusal(f"{key} 应为金额") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise Refusal(f"{key} 应为两位小数的金额")
    return amount


def _person(envelope: dict, psn_no: str):
    person = engine.person_by_psn_no(psn_no)
    if not envelope.get("insuplc_admdvs"):
        raise Refusal("insuplc_admdvs 必填（输入含 psn_no）")
    if envelope["insuplc_admdvs"] != person.insuplc_admdvs:
        raise Refusal(f"参保地 {envelope['insuplc_admdvs']} 与人员参保地不符")
    return person


# --- handlers: (envelope, input, msgid) -> output ------------------------------------------------------------


def _sign_in(envelope, inp, msgid):
    node = _node(inp, "signIn")
    opter_no = _field(node, "opter_no")
    if opter_no != envelope["opter"]:
        raise Refusal("signIn.opter_no 与 opter 不符")
    sign_no = f"{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**16):016d}"
    row = SignIn.objects.create(sign_no=sign_no, opter=opter_no, sign_date=timezone.localdate())
    return {
        "signinoutb": {"sign_time": timezone.localtime(row.sign_time).strftime("%Y-%m-%d %H:%M:%S"), "sign_no": sign_no}
    }


def _person_info(envelope, inp, msgid):
    data = _node(inp, "data")
    medium = str(data.get("mdtrt_cert_type") or "")
    if medium in ("01", "03"):
        person = person_by_medium(medium, str(data.get("mdtrt_cert_no") or ""), str(data.get("card_sn") or ""))
        if person is None:
            raise Refusal("电子凭证无效或已过期" if medium == "01" else "社保卡号或卡识别码无效")
        certno = person.certno
    else:
        certno = data.get("certno") or (data.get("mdtrt_cert_no") if medium == "02" else "")
        try:
            certno = normalize_idcard(str(certno or ""))
        except IdCardError as exc:
            raise Refusal(f"证件号码无效：{exc}") from None
        person = person_by_certno(certno, name=data.get("psn_name") or None)
    if person is None:
        raise Refusal("未查询到参保人员信息")
    born = birth_date(certno)
    today = timezone.localdate()
    return {
        "baseinfo": {
            "psn_no": person.psn_no,
            "psn_cert_type": "01",
            "certno": certno,
            "psn_name": person.name,
            "gend": gender_code(certno),
            "naty": "01",
            "brdy": born.isoformat(),
            "age": str(today.year - born.year - ((today.month, today.day) < (born.month, born.day))),
        },
        "insuinfo": [
            {
                "insutype": person.insutype,
                "balc": str(person.acct_balance),
                "insuplc_admdvs": person.insuplc_admdvs,
                "psn_type": "11" if person.insutype == "310" else "21",
                "psn_insu_stas": "1",
                "psn_insu_date": "2010-01-01",
                "cvlserv_flag": "0",
            }
        ],
        "idetinfo": [],
    }


def _register(envelope, inp, msgid):
    data = _node(inp, "data")
    person = _person(envelope, _field(data, "psn_no"))
    mdtrt_id = engine.register_visit(
        person=person,
        dept_code=_field(data, "dept_code"),
        dept_name=_field(data, "dept_name"),
        atddr_no=_field(data, "atddr_no"),
        dr_name=_field(data, "dr_name"),
        begntime=_field(data, "begntime"),
        med_type=str(data.get("med_type") or "12"),
        ipt_otp_no=_field(data, "ipt_otp_no"),
        msgid=msgid,
    )
    return {"data": {"mdtrt_id": mdtrt_id, "psn_no": person.psn_no, "ipt_otp_no": data["ipt_otp_no"]}}


def _cancel_registration(envelope, inp, msgid):
    data = _node(inp, "data")
    engine.cancel_visit(person=_person(envelope, _field(data, "psn_no")), mdtrt_id=_field(data, "mdtrt_id"))
    return {}


def _cancel_fees(envelope, inp, msgid):
    data = _node(inp, "data")
    engine.cancel_fees(
        person=_person(envelope, _field(data, "psn_no")),
        mdtrt_id=_field(data, "mdtrt_id"),
        chrg_bchno=_field(data, "chrg_bchno"),
    )
    return {}


def _fee_handler(kind):
    def handle(envelope, inp, msgid):
        lines = inp.get("feedetail")
        if not isinstance(lines, list) or not lines:
            raise Refusal("input.feedetail 应为非空列表")
        person = _person(envelope, _psn_no(inp))
        return {"result": engine.upload_fees(person=person, lines=lines, kind=kind, msgid=msgid)}

    return handle


def _presettle_handler(infno):
    def handle(envelope, inp, msgid):
        data = _node(inp, "data")
        person = _person(envelope, _field(data, "psn_no"))
        mdtrt_id = _field(data, "mdtrt_id")
        setlinfo = {"setl_id": "", "mdtrt_id": mdtrt_id, "psn_no": person.psn_no}
        setlinfo |= engine.presettle(
            person=person,
            medfee_sumamt=_money(data, "medfee_sumamt"),
            inpatient_mdtrt_id=mdtrt_id if infno == "2303" else "",
            mdtrt_id=mdtrt_id,
            chrg_bchno=str(data.get("chrg_bchno") or "") if infno == "2206" else "",
        )
        return {"setlinfo": setlinfo, "setldetail": engine.setldetail(setlinfo | {"insutype": person.insutype})}

    return handle


def _settle_handler(infno):
    def handle(envelope, inp, msgid):
        data = _node(inp, "data")
        person = _person(envelope, _field(data, "psn_no"))
        if infno != "2207B":
            _field(data, "mdtrt_cert_type")
            _field(data, "mdtrt_cert_no")
        paylater = infno == "2207B" or engine.is_paylater(data.get("exp_content"))
        setlinfo = engine.settle(
            person=person,
            mdtrt_id=_field(data, "mdtrt_id"),
            medfee_sumamt=_money(data, "medfee_sumamt"),
            paylater=paylater,
            msgid=msgid,
            infno=infno,
            chrg_bchno=str(data.get("chrg_bchno") or ""),
        )
        return {"setlinfo": setlinfo, "setldetail": engine.setldetail(setlinfo)}

    return handle


def _reverse_handler(infno):
    def handle(envelope, inp, msgid):
        data = _node(inp, "data")
        setlinfo = engine.reverse_settlement(
            person=_person(envelope, _field(data, "psn_no")),
            setl_id=_field(data, "setl_id"),
            mdtrt_id=_field(data, "mdtrt_id"),
            msgid=msgid,
            infno=infno,
        )
        return {"setlinfo": setlinfo, "setldetail": []}

    return handle


def _admit(envelope, inp, msgid):
    info = _node(inp, "mdtrtinfo")
    mdtrt_id = engine.admit(
        person=_person(envelope, _field(info, "psn_no")),
        ipt_no=_field(info, "ipt_no"),
        begntime=_field(info, "begntime"),
        dept_code=_field(info, "adm_dept_codg"),
        dept_name=_field(info, "adm_dept_name"),
        atddr_no=_field(info, "atddr_no"),
        dr_name=str(info.get("chfpdr_name") or ""),
        med_type=str(info.get("med_type") or "21"),
        msgid=msgid,
    )
    return {"result": {"mdtrt_id": mdtrt_id}}


def _discharge(envelope, inp, msgid):
    info = _node(inp, "dscginfo")
    _field(info, "endtime")
    engine.discharge(person=_person(envelope, _field(info, "psn_no")), mdtrt_id=_field(info, "mdtrt_id"), msgid=msgid)
    return {}


def _cancel_fee(envelope, inp, msgid):
    data = _node(inp, "data")
    engine.cancel_fee(
        person=_person(envelope, _field(data, "psn_no")),
        mdtrt_id=_field(data, "mdtrt_id"),
        feedetl_sn=_field(data, "feedetl_sn"),
    )
    return {}


def _pay_deposit(envelope, inp, msgid):
    data = _node(inp, "data")
    return {
        "data": engine.pay_deposit(
            person=_person(envelope, _field(data, "psn_no")),
            mdtrt_id=_field(data, "mdtrt_id"),
            ipt_no=_field(data, "ipt_no"),
            dpst_amt=_money(data, "dpst_amt"),
            dpst_sn=_field(data, "dpst_sn"),
            msgid=msgid,
        )
    }


def _refund_deposit(envelope, inp, msgid):
    data = _node(inp, "data")
    return {
        "data": engine.refund_deposit(
            person=_person(envelope, _field(data, "psn_no")),
            mdtrt_id=_field(data, "mdtrt_id"),
            dpst_id=_field(data, "dpst_id"),
            refd_amt=_money(data, "refd_amt") if data.get("refd_amt") not in (None, "") else None,
            msgid=msgid,
        )
    }


def _undo(envelope, inp, msgid):
    data = _node(inp, "data")
    oinfno = _field(data, "oinfno")
    if data.get("psn_no") or oinfno not in engine.WITHOUT_PERSON:
        _person(envelope, _field(data, "psn_no"))
    engine.undo(psn_no=str(data.get("psn_no") or ""), omsgid=_field(data, "omsgid"), oinfno=oinfno, msgid=msgid)
    return {}


def _statement(envelope, inp, msgid):
    data = _node(inp, "data")
    rows = statements.standing(
        begin=_field(data, "stmt_begndate"),
        end=_field(data, "stmt_enddate"),
        clr_type=_field(data, "clr_type"),
        insutype=_field(data, "insutype"),
    )
    ours = {
        "medfee_sumamt": sum((row.medfee_sumamt for row in rows), Decimal("0.00")),
        "fund_pay_sumamt": sum((row.fund_pay_sumamt for row in rows), Decimal("0.00")),
        "acct_pay": sum((row.acct_pay for row in rows), Decimal("0.00")),
    }
    theirs = {key: _money(data, key) for key in ours}
    count = len(rows)
    agree = ours == theirs and str(count) == str(data.get("fixmedins_setl_cnt"))
    text = "对账一致" if agree else f"对账不平：医保侧 {count} 笔，医疗费 {ours['medfee_sumamt']}"
    return {
        "stmtinfo": {
            "setl_optins": data.get("setl_optins", ""),
            "stmt_rslt": "0" if agree else "1",
            "stmt_rslt_dscr": text,
        }
    }


def _count(node: dict, key: str) -> int:
    value = str(node.get(key) if node.get(key) is not None else "")
    if not value.isdigit():
        raise Refusal(f"{key} 应为非负整数")
    return int(value)


def _upload(envelope, inp, msgid):
    node = _node(inp, "fsUploadIn")
    return statements.upload(
        data=_field(node, "in"), filename=_field(node, "filename"), fixmedins_code=envelope["fixmedins_code"]
    )


def _detail_statement(envelope, inp, msgid):
    data = _node(inp, "data")
    keys = ("setl_optins", "file_qury_no", "stmt_begndate", "stmt_enddate", "clr_type")
    totals = {key: _money(data, key) for key in ("medfee_sumamt", "fund_pay_sumamt", "cash_payamt")}
    totals["fixmedins_setl_cnt"] = _count(data, "fixmedins_setl_cnt")
    return statements.detail(
        data={key: _field(data, key) for key in keys}, fixmedins_code=envelope["fixmedins_code"], totals=totals
    )


def _download(envelope, inp, msgid):
    node = _node(inp, "fsDownloadIn")
    stored = statements.download(
        file_qury_no=_field(node, "file_qury_no"),
        filename=_field(node, "filename"),
        fixmedins_code=envelope["fixmedins_code"],
    )
    response = HttpResponse(bytes(stored.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    return response


def _purchase_handler(infno):
    def handle(envelope, inp, msgid):
        appendix3.check(infno, _node(inp, "purcinfo"))
        engine.record_purchase(msgid)
        return {}

    return handle


HANDLERS = {
    "9001": _sign_in,
    "1101": _person_info,
    "2201": _register,
    "2202": _cancel_registration,
    "2204": _fee_handler(Visit.Kind.OUTPATIENT),
    "2205": _cancel_fees,
    "2206": _presettle_handler("2206"),
    "2207": _settle_handler("2207"),
    "2207B": _settle_handler("2207B"),
    "2208": _reverse_handler("2208"),
    "2401": _admit,
    "2402": _discharge,
    "2301": _fee_handler(Visit.Kind.INPATIENT),
    "2302": _cancel_fee,
    "2303": _presettle_handler("2303"),
    "2304": _settle_handler("2304"),
    "2305": _reverse_handler("2305"),
    "C2304": _pay_deposit,
    "C2305": _refund_deposit,
    "2601": _undo,
    "3201": _statement,
    "3202": _detail_statement,
    "3503": _purchase_handler("3503"),
    "3504": _purchase_handler("3504"),
    "9101": _upload,
    "9102": _download,
}


# --- the page ------------------------------------------------------------------------------------------------


def index(request):
    ensure_demo_people()
    settlements = Settlement.objects.select_related("person")[:30]
    deposits = Deposit.objects.select_related("person")[:30]
    return render(
        request,
        "sandbox_nhsa/index.html",
        {
            "messages_": Message.objects.all()[:50],
            "settlements": [(row, pii.mask_name(row.person.name)) for row in settlements],
            "deposits": [(row, pii.mask_name(row.person.name)) for row in deposits],
            "faults": Fault.objects.filter(party="nhsa"),
            "fault_modes": [(value, label) for value, label in FaultMode.choices if value != "duplicate_callback"],
            "infnos": list(HANDLERS),
        },
    )


@require_POST
def set_fault(request):
    """Add a fault for one infno (the form on the page); `clear` removes every nhsa fault."""
    if request.POST.get("clear"):
        Fault.objects.filter(party="nhsa").delete()
        messages.success(request, "已清除全部医保网关故障")
        return redirect("sandbox:sandbox_nhsa:index")
    infno, mode = request.POST.get("interface", ""), request.POST.get("mode", "")
    remaining = request.POST.get("remaining", "").strip()
    if infno not in HANDLERS or mode not in FaultMode.values or mode == FaultMode.DUPLICATE_CALLBACK:
        messages.error(request, "请选择交易编号和故障类型")
    elif remaining and not (remaining.isdigit() and int(remaining) > 0):
        messages.error(request, "剩余次数应为正整数，或留空表示一直生效")
    else:
        Fault.objects.create(party="nhsa", interface=infno, mode=mode, remaining=int(remaining) if remaining else None)
        messages.success(request, f"已设置故障：{infno} {FaultMode(mode).label}")
    return redirect("sandbox:sandbox_nhsa:index")
