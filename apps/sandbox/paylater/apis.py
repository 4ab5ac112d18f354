"""The platform's HTTP interfaces the portal calls (CONTRACT.md section 7), each under `faults.serve`.

Answer envelopes:
- 附录五 / 附录一 / 附录四 (the guide's own): `{"code": "000000"|"000100"|"999999", "msg", "data"}`.
- AMP_HOS_001/002/003 and getCheckFile — [assumed] the envelope is not published; the sandbox answers
  `{"success": true, "respCode": "000000", "respMsg": "成功", "param": {...}}` and on refusal
  `{"success": false, "respCode": "999999", "respMsg": "<what is wrong>", "param": null}`.
  AMP_HOS_003 for an unknown outRefundNo answers respCode "100404" (the refund certainly never happened).
  pushMsg answers success for a repeat too, with `param: {"duplicate": true}`.
- getCheckFile on success answers the file itself: `text/plain; charset=utf-8`, see services.check_file_build.
Authentication failures answer HTTP 401 and a body that is not a JSON object HTTP 400, in the same envelope.
"""

import hmac
import re
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.sandbox import faults
from apps.sandbox.paylater import codec, services
from apps.sandbox.paylater.services import Refusal

OK = "000000"
_AMOUNT = re.compile(r"^-?\d{1,12}\.\d{2}$")


def _seed_reply(code: str, msg: str, data, *, status: int = 200) -> HttpResponse:
    return codec.reply({"code": code, "msg": msg, "data": data}, status=status)


def _amp_reply(code: str, msg: str, param, *, status: int = 200) -> HttpResponse:
    return codec.reply({"success": code == OK, "respCode": code, "respMsg": msg, "param": param}, status=status)


def _api(name: str, answer):
    """A POST endpoint: fault injection, then authentication and parsing, then `handler(body)`."""

    def decorate(handler):
        def run(request):
            try:
                return handler(codec.read_call(request))
            except codec.CallRefused as exc:
                return answer(services.FAILURE, exc.message, None, status=exc.status)
            except Refusal as exc:
                return answer(exc.code, exc.message, None)

        @csrf_exempt
        @require_POST
        def view(request):
            return faults.serve("paylater", name, lambda: run(request))

        return view

    return decorate


def text(body: dict, name: str, *, max_len: int, required: bool = True) -> str:
    """A string field, refused by name when missing, not a string, or too long."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Refusal(f"{name} 必填")
        return ""
    if not isinstance(value, str):
        raise Refusal(f"{name} 必须是字符串")
    value = value.strip()
    if len(value) > max_len:
        raise Refusal(f"{name} 超长（最多 {max_len} 个字符）")
    return value


@_api("sign_status", _seed_reply)
def sign_status(body):
    data = services.sign_status(
        org_code=text(body, "org_code", max_len=30),
        user_name=text(body, "user_name", max_len=30),
        cert_no=text(body, "cert_no", max_len=30),
    )
    return _seed_reply(OK, "成功", data)


@_api("cashier_link", _seed_reply)
def cashier_link(body):
    url = services.cashier_link_create(
        org_code=text(body, "org_code", max_len=30),
        user_name=text(body, "user_name", max_len=30),
        cert_no=text(body, "cert_no", max_len=30),
        trace_no=text(body, "trace_no", max_len=64),
    )
    if url is None:
        return _seed_reply(services.NOT_SIGNED, "用户未签约", None)
    return _seed_reply(OK, "成功", {"linkUrl": url})


@_api("pay_info", _seed_reply)
def pay_info(body):
    return _seed_reply(OK, "成功", services.pay_info(access_code=text(body, "access_code", max_len=32)))


# AMP_HOS_001 (INTERFACES.md 1.4): field -> max length; the first group is required.
_PUSH_REQUIRED = {"orgCode": 30, "patientName": 50, "idType": 6, "idNo": 30, "medOrgOrd": 64, "pushType": 30}
_PUSH_OPTIONAL = {
    "orderStatus": 30, "appType": 2, "amount": 16, "deptName": 100, "deptCode": 30, "deptLoc": 200, "drName": 50,
    "drLvName": 50, "drLvNo": 30, "waitingNum": 20, "checkItem": 300, "takeMedicineLoc": 200, "scheduledTime": 19,
    "createTime": 19, "updateTime": 19, "redirectUrl": 500, "ampTraceId": 64, "traceId": 64, "orgTraceNo": 64,
    "hisCustType": 10, "hisCustId": 50, "subOrgCode": 30, "refundReason": 200, "payOrdId": 64,
    "guideStatus": 200,  # [assumed] the portal's guidance step in words
}  # fmt: skip


def push_fields(body: dict) -> dict:
    fields = {name: text(body, name, max_len=n) for name, n in _PUSH_REQUIRED.items()}
    fields |= {name: v for name, n in _PUSH_OPTIONAL.items() if (v := text(body, name, max_len=n, required=False))}
    if fields["pushType"] not in services.PUSH_TYPES:
        raise Refusal(f"pushType 无效：{fields['pushType']}（可选 {'、'.join(services.PUSH_TYPES)}）")
    if fields["pushType"] == "HOSPITAL_PAYMENT":
        if fields.get("orderStatus") not in services.ORDER_STATUSES:
            raise Refusal("支付单（HOSPITAL_PAYMENT）的 orderStatus 必填且须为 MERCHANT_* 之一")
        if "amount" not in fields:
            raise Refusal("支付单（HOSPITAL_PAYMENT）的 amount 必填")
    if "appType" in fields and fields["appType"] not in services.APP_TYPES:
        raise Refusal("appType 须为 01 门诊、02 住院、03 挂号、04 线上 之一")
    if "amount" in fields and not _AMOUNT.match(fields["amount"]):
        raise Refusal('amount 须为两位小数的元金额字符串，如 "12.30"')
    for name in ("scheduledTime", "createTime", "updateTime"):
        if name in fields:
            try:
                datetime.strptime(fields[name], "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise Refusal(f"{name} 须为 yyyy-MM-dd HH:mm:ss") from None
    return fields


@_api("push_msg", _amp_reply)
def push_msg(body):
    created = services.message_receive(fields=push_fields(body))
    return _amp_reply(OK, "成功", {} if created else {"duplicate": True})


@_api("refund", _amp_reply)
def refund(body):
    param = services.refund_apply(
        org_code=text(body, "orgCode", max_len=30),
        out_refund_no=text(body, "outRefundNo", max_len=64),
        org_trace_no=text(body, "orgTraceNo", max_len=64),
        amp_trace_id=text(body, "ampTraceId", max_len=64),
        trace_id=text(body, "traceId", max_len=64),
        refund_type=text(body, "refundType", max_len=2),
        refund_reason=text(body, "refundReason", max_len=200, required=False),
        org_refund_sn=text(body, "orgRefundSn", max_len=64, required=False),
    )
    return _amp_reply(OK, "成功", param)


@_api("refund_result", _amp_reply)
def refund_result(body):
    param = services.refund_query(
        org_code=text(body, "orgCode", max_len=30), out_refund_no=text(body, "outRefundNo", max_len=64)
    )
    return _amp_reply(OK, "成功", param)


@_api("check_file", _amp_reply)
def check_file(body):
    org_code = text(body, "orgCode", max_len=30)
    if not hmac.compare_digest(text(body, "orgSecret", max_len=128), settings.PAYLATER_ORG_SECRET):
        raise Refusal("orgSecret 错误")
    bill_date_text = text(body, "billDate", max_len=10)
    try:
        bill_date = datetime.strptime(bill_date_text, "%Y-%m-%d").date()
    except ValueError:
        raise Refusal("billDate 须为 yyyy-MM-dd") from None
    bill_type = text(body, "billType", max_len=10, required=False) or "ALL"
    if bill_type != "ALL":
        raise Refusal("billType 仅支持 ALL")
    content = services.check_file_build(org_code=org_code, bill_date=bill_date)
    response = HttpResponse(content.encode(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org_code}_{bill_date_text}.txt"'
    return response
