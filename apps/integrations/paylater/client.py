"""The portal's calls to the pay-after-care platform, one function per interface of INTERFACES.md section 1.

Every name the province may rename lives here (request keys, reply keys, push types, status codes) or in
settings.PAYLATER_PATHS. Replies of 附录一/四/五 are `{code, msg, data}` [seed]; replies of AMP_HOS_001–003 and
getCheckFile are [public, envelope not published]: `{success, respCode, respMsg, param}` as the Hainan SDK's
WrapperResponse reads them (`data` is accepted for `param`). `_amp_status` is the one place that reads them.
"""

import base64
import binascii
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

from apps.core.money import MoneyError, format_money, parse_money
from apps.integrations import transport
from apps.integrations.models import Exchange, Outcome, Party
from apps.integrations.paylater import codec
from apps.integrations.paylater.errors import BadReply, InvalidRequest, NotSigned, UpstreamRefused
from apps.integrations.paylater.types import PayInfo, PushResult, RefundResult, RefundState, SignStatusResult

# Exchange-log names of the calls (the sandbox's fault table uses the PAYLATER_PATHS keys instead).
INTERFACES = {
    "sign_status": "sign_status",
    "cashier_link": "cashier_link",
    "pay_info": "pay_info",
    "push_msg": "AMP_HOS_001",
    "refund": "AMP_HOS_002",
    "refund_result": "AMP_HOS_003",
    "check_file": "check_file",
}
APPENDIX_OK = "000000"
APPENDIX_NOT_SIGNED = "000100"

PUSH_TYPES = {
    "HOSPITAL_APPOINTMENT",
    "HOSPITAL_CHECK",
    "HOSPITAL_MEDICINE",
    "HOSPITAL_PAYMENT",
    "HOSPITAL_GUIDE",  # [assumed] 导诊 has no public name
}
ORDER_STATUSES = {
    "MERCHANT_WAIT_PAY",
    "MERCHANT_PAID",
    "MERCHANT_PART_REFUNDED",
    "MERCHANT_REFUNDED",
    "MERCHANT_CLOSED",
}
APP_TYPES = {"01", "02", "03", "04"}
PUSH_REQUIRED = ("orgCode", "patientName", "idType", "idNo", "medOrgOrd", "pushType")
PUSH_OPTIONAL = (
    "orderStatus appType amount deptName deptCode deptLoc drName drLvName drLvNo waitingNum checkItem "
    "takeMedicineLoc scheduledTime createTime updateTime redirectUrl ampTraceId traceId orgTraceNo "
    "hisCustType hisCustId subOrgCode refundReason payOrdId"
).split() + ["guideStatus"]  # [assumed] a guidance step's state in words (apps/guidance/places.py)
PUSH_TIMES = ("scheduledTime", "createTime", "updateTime")
# [assumed] AMP_HOS_003 tradeStatus values (not in public code); anything else counts as still processing.
TRADE_STATUS_DONE = {"SUCCESS", "REFUND_SUCCESS"}
TRADE_STATUS_FAILED = {"FAIL", "FAILED", "REFUND_FAIL", "CLOSED"}
# [assumed] AMP_HOS_003 respCode for "no refund with this outRefundNo": the refund request never took effect.
REFUND_NOT_FOUND_CODES = {"100404"}
REFUND_FIELDS = {
    "refund_trace_id": "refundTraceId",
    "amp_refund_id": "ampRefundId",
    "pay_chnl_refund_sn": "payChnlRefundSn",
    "trace_id": "traceId",
    "pay_chnl_ord_sn": "payChnlOrdSn",
    "pay_ord_id": "payOrdId",
}
_URL = re.compile(r"^https?://[^\s]+$")


# --- helpers -------------------------------------------------------------------------------------------------


def with_back_url(url: str, back_url: str) -> str:
    """`url` with `backUrl=<url-encoded back_url>` added (replacing one already there), before any fragment."""
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("backUrl=")]
    query = "&".join([*kept, f"backUrl={quote(back_url, safe='')}"])
    return urlunsplit(parts._replace(query=query))


def _text(value, field: str, max_length: int, *, required: bool = True) -> str:
    if not required and (value is None or value == ""):
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{field}: 必填")
    if len(value) > max_length:
        raise InvalidRequest(f"{field}: 超过{max_length}个字符")
    return value.strip()


def _reply_text(data: dict, field: str, max_length: int = 500, *, required: bool = True) -> str:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise BadReply(f"应答缺少 {field}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadReply(f"应答 {field} 不是字符串")
    value = str(value)
    if len(value) > max_length:
        raise BadReply(f"应答 {field} 超过{max_length}个字符")
    return value


def _reply_flag(data: dict, field: str) -> int:
    value = data.get(field)
    if isinstance(value, bool) or value not in (0, 1, "0", "1"):
        raise BadReply(f"应答 {field} 应为0或1，实为 {value!r}")
    return int(value)


def _reply_url(data: dict, field: str) -> str:
    value = _reply_text(data, field, 2000)
    if not _URL.match(value):
        raise BadReply(f"应答 {field} 不是http(s)地址")
    return value


def _appendix_status(reply: dict) -> tuple[bool, str, str, dict | None]:
    """附录一/四/五: (ok, code, msg, data)."""
    code, msg = reply.get("code"), reply.get("msg")
    if not isinstance(code, str | int) or isinstance(code, bool) or str(code) == "":
        raise BadReply("应答缺少 code")
    data = reply.get("data")
    if data is not None and not isinstance(data, dict):
        raise BadReply("应答 data 不是对象")
    return str(code) == APPENDIX_OK, str(code), str(msg or ""), data


def _amp_status(reply: dict) -> tuple[bool, str, str, dict | None]:
    """AMP_HOS_* [public, envelope not published]: (ok, respCode, respMsg, param)."""
    success = reply.get("success")
    if not isinstance(success, bool):
        raise BadReply("应答缺少布尔值 success")
    param = reply.get("param", reply.get("data"))
    if param is not None and not isinstance(param, dict):
        raise BadReply("应答 param 不是对象")
    return success, str(reply.get("respCode") or ""), str(reply.get("respMsg") or ""), param


def _call(
    name: str,
    payload: dict,
    *,
    status: Callable[[dict], tuple[bool, str, str, dict | None]],
    parse: Callable[[dict], object],
    money: bool = False,
    msgid: str = "",
    business=None,
    log_request: dict | None = None,
    read: Callable[[object], dict] = lambda response: codec.decode_reply(response.content),
) -> tuple[object, Exchange]:
    """Send, check the reply's status and shape, settle the exchange; (parsed result, exchange).

    Shape errors are found while transport still holds the call, so that a malformed answer to a money call
    is an unknown outcome and not a crash. A clean "no" raises UpstreamRefused (NotSigned for 000100).
    """
    url = settings.PAYLATER_BASE_URL.rstrip("/") + "/" + settings.PAYLATER_PATHS[name].lstrip("/")
    body, headers = codec.encode_request(payload)

    def decode(response):
        reply = read(response)
        if reply["data"] is not None:
            ok, _, _, inner = status(reply["data"])
            if ok:
                parse(inner or {})
        return reply

    reply, exchange = transport.post(
        party=Party.PAYLATER,
        interface=INTERFACES[name],
        url=url,
        body=body,
        headers=headers,
        log_request=payload if log_request is None else log_request,
        decode=decode,
        money=money,
        msgid=msgid,
        business=business,
    )
    if reply["data"] is None:  # the sm envelope itself said no
        envelope = reply["envelope"]
        ok, code, msg, inner = False, str(envelope.get("code", "")), str(envelope.get("message", "")), None
    else:
        ok, code, msg, inner = status(reply["data"])
    if not ok:
        transport.exchange_settle(exchange, Outcome.REFUSED, code=code, message=msg)
        error = NotSigned if status is _appendix_status and code == APPENDIX_NOT_SIGNED else UpstreamRefused
        raise error(f"{INTERFACES[name]}: 平台拒绝 [{code}] {msg}", exchange=exchange, code=code, upstream_message=msg)
    transport.exchange_settle(exchange, Outcome.OK, code=code, message=msg)
    return parse(inner or {}), exchange


def _org_payload(**fields) -> dict:
    return {"org_code": settings.ORG_CODE, **fields}


# --- 附录五 / 附录一 / 附录四 [seed] ----------------------------------------------------------------------


def _parse_sign_status(data: dict) -> SignStatusResult:
    signed = _reply_flag(data, "signStatus") == 1
    if signed:
        return SignStatusResult(signed=True, sign_url=data.get("signUrl") or None)
    return SignStatusResult(signed=False, sign_url=_reply_url(data, "signUrl"))


def sign_status(*, user_name: str, cert_no: str, business=None) -> SignStatusResult:
    """附录五: has the person signed for pay-after-care? If not, where to send them to sign."""
    payload = _org_payload(user_name=_text(user_name, "user_name", 30), cert_no=_text(cert_no, "cert_no", 30))
    result, _ = _call("sign_status", payload, status=_appendix_status, parse=_parse_sign_status, business=business)
    return result


def cashier_link(*, user_name: str, cert_no: str, trace_no: str, business=None) -> str:
    """附录一: the cashier URL for order `trace_no` (add backUrl with `with_back_url`). NotSigned for 000100."""
    payload = _org_payload(
        user_name=_text(user_name, "user_name", 30),
        cert_no=_text(cert_no, "cert_no", 30),
        trace_no=_text(trace_no, "trace_no", 64),
    )
    result, _ = _call(
        "cashier_link",
        payload,
        status=_appendix_status,
        parse=lambda data: _reply_url(data, "linkUrl"),
        msgid=payload["trace_no"],
        business=business,
    )
    return result


def _parse_pay_info(data: dict) -> PayInfo:
    return PayInfo(
        pay_result=_reply_flag(data, "pay_result"),
        org_trace_no=_reply_text(data, "org_trace_no", 64),
        mdtrt_id=_reply_text(data, "mdtrt_id", 40),
        psn_no=_reply_text(data, "psn_no", 40),
        cert_no=_reply_text(data, "cert_no", 40),
    )


def pay_info(*, access_code: str, business=None) -> PayInfo:
    """附录四: the payment behind an access_code (valid ten minutes). Compare org_trace_no with the order."""
    payload = {"access_code": _text(access_code, "access_code", 32)}
    result, _ = _call("pay_info", payload, status=_appendix_status, parse=_parse_pay_info, business=business)
    return result


# --- AMP_HOS_001 [public] ---------------------------------------------------------------------------------


def _push_amount(value) -> str:
    if isinstance(value, float):
        raise InvalidRequest("amount: 金额不能是浮点数")
    if isinstance(value, str) and not re.fullmatch(r"-?\d+\.\d{2}", value):
        raise InvalidRequest("amount: 应为两位小数的字符串，如 12.30")
    try:
        return format_money(parse_money(value, field="amount") if not isinstance(value, Decimal) else value)
    except MoneyError as exc:
        raise InvalidRequest(str(exc)) from None


def _push_body(message: dict) -> dict:
    if not isinstance(message, dict):
        raise InvalidRequest("message: 应为对象")
    unknown = sorted(set(message) - set(PUSH_REQUIRED) - set(PUSH_OPTIONAL))
    if unknown:
        raise InvalidRequest(f"{unknown[0]}: 不是AMP_HOS_001的字段")
    body = {key: value for key, value in message.items() if value is not None and value != ""}
    for key in PUSH_REQUIRED:
        _text(body.get(key), key, 64 if key == "medOrgOrd" else 100)
    if body["pushType"] not in PUSH_TYPES:
        raise InvalidRequest(f"pushType: 未知类型 {body['pushType']}")
    if body["pushType"] == "HOSPITAL_PAYMENT":
        if body.get("orderStatus") not in ORDER_STATUSES:
            raise InvalidRequest("orderStatus: 支付单必填，且须为 MERCHANT_* 之一")
        if "amount" not in body:
            raise InvalidRequest("amount: 支付单必填")
    elif "orderStatus" in body and body["orderStatus"] not in ORDER_STATUSES:
        raise InvalidRequest(f"orderStatus: 未知状态 {body['orderStatus']}")
    if "amount" in body:
        body["amount"] = _push_amount(body["amount"])
    if "appType" in body and body["appType"] not in APP_TYPES:
        raise InvalidRequest("appType: 应为 01/02/03/04")
    for key in PUSH_TIMES:
        if key in body:
            try:
                datetime.strptime(body[key], "%Y-%m-%d %H:%M:%S")
            except (TypeError, ValueError):
                raise InvalidRequest(f"{key}: 格式应为 yyyy-MM-dd HH:mm:ss") from None
    if "redirectUrl" in body and not _URL.match(str(body["redirectUrl"])):
        raise InvalidRequest("redirectUrl: 应为http(s)地址")
    for key, value in body.items():
        if not isinstance(value, str):
            raise InvalidRequest(f"{key}: 应为字符串")
    return body


def push_msg(*, message: dict, business=None) -> PushResult:
    """AMP_HOS_001: show a message to the patient. `message` holds the camelCase fields of INTERFACES.md 1.4.

    Delivery is at-least-once: `medOrgOrd` lets the platform recognise a repeat.
    """
    body = _push_body(message)
    _, exchange = _call(
        "push_msg", body, status=_amp_status, parse=lambda param: None, msgid=body["medOrgOrd"], business=business
    )
    return PushResult(resp_code=exchange.upstream_code, resp_msg=exchange.upstream_message, exchange_id=exchange.pk)


# --- AMP_HOS_002 / 003 [public] -----------------------------------------------------------------------------


def _refund_parser(*, status_required: bool) -> Callable[[dict], dict]:
    def parse(param: dict) -> dict:
        fields = {name: _reply_text(param, key, 64, required=False) for name, key in REFUND_FIELDS.items()}
        fields["trade_status"] = _reply_text(param, "tradeStatus", 40, required=status_required)
        return fields

    return parse


def _refund_result(fields: dict, exchange: Exchange) -> RefundResult:
    trade_status = fields["trade_status"]
    if trade_status in TRADE_STATUS_DONE:
        state = RefundState.DONE
    elif trade_status in TRADE_STATUS_FAILED:
        state = RefundState.FAILED
    else:
        state = RefundState.PROCESSING
    return RefundResult(state=state, exchange_id=exchange.pk, **fields)


def refund(
    *,
    amp_trace_id: str,
    trace_id: str,
    org_trace_no: str,
    out_refund_no: str,
    org_refund_sn: str,
    refund_reason: str,
    business=None,
) -> RefundResult:
    """AMP_HOS_002: full refund (refundType 02) of a platform payment.

    A money call: a timeout raises UpstreamUnknownOutcome and the exchange stays `unknown` until
    `paylater.recovery.resolve_exchange` asks AMP_HOS_003 with the same outRefundNo. Never resend under a new one.
    """
    payload = {
        "ampTraceId": _text(amp_trace_id, "amp_trace_id", 64),
        "traceId": _text(trace_id, "trace_id", 64, required=False),  # optional in org_003, so maybe unknown
        "orgTraceNo": _text(org_trace_no, "org_trace_no", 64),
        "orgCode": settings.ORG_CODE,
        "subOrgCode": "",
        "refundReason": _text(refund_reason, "refund_reason", 200),
        "refundType": "02",
        "outRefundNo": _text(out_refund_no, "out_refund_no", 64),
        "orgRefundSn": _text(org_refund_sn, "org_refund_sn", 64),
    }
    fields, exchange = _call(
        "refund",
        payload,
        status=_amp_status,
        parse=_refund_parser(status_required=False),
        money=True,
        msgid=payload["outRefundNo"],
        business=business,
    )
    return _refund_result(fields, exchange)


def refund_result(*, amp_trace_id: str, trace_id: str, out_refund_no: str, business=None) -> RefundResult:
    """AMP_HOS_003: where the refund `out_refund_no` stands."""
    payload = {
        "ampTraceId": _text(amp_trace_id, "amp_trace_id", 64),
        "traceId": _text(trace_id, "trace_id", 64, required=False),
        "orgCode": settings.ORG_CODE,
        "subOrgCode": "",
        "outRefundNo": _text(out_refund_no, "out_refund_no", 64),
    }
    fields, exchange = _call(
        "refund_result",
        payload,
        status=_amp_status,
        parse=_refund_parser(status_required=True),
        msgid=payload["outRefundNo"],
        business=business,
    )
    return _refund_result(fields, exchange)


# --- getCheckFile [public] ---------------------------------------------------------------------------------


def _read_check_file(response) -> dict:
    """[assumed] getCheckFile answers in one of two forms, both accepted, both giving the file's exact bytes:

    - a JSON reply (Content-Type application/json, through the codec, so also inside the sm envelope): the AMP
      reply with the file Base64-encoded in `param.fileContent`; a refusal is `success: false` as usual;
    - anything else (text/plain, application/octet-stream): the body is the file itself, unsigned, as bill
      downloads of other payment platforms are. Its bytes are kept whatever its encoding (UTF-8, BOM, GBK):
      the importer detects that.

    The raw form is rewritten into the JSON form here so the rest of the adapter sees one shape.
    """
    if response.headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/json":
        return codec.decode_reply(response.content)
    param = {"fileContent": base64.b64encode(response.content).decode()}
    return {"envelope": {}, "data": {"success": True, "respCode": "", "respMsg": "文件", "param": param}}


def _parse_check_file(param: dict) -> bytes:
    content = param.get("fileContent")
    if not isinstance(content, str):
        raise BadReply("应答缺少 fileContent")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BadReply("应答 fileContent 不是Base64") from None


def check_file(*, bill_date: date) -> bytes:
    """The day's reconciliation file (INTERFACES.md 1.6), as bytes for the importer."""
    if not isinstance(bill_date, date):
        raise InvalidRequest("bill_date: 应为日期")
    payload = {
        "orgCode": settings.ORG_CODE,
        "subOrgCode": "",
        "orgSecret": settings.PAYLATER_ORG_SECRET,
        "billDate": bill_date.strftime("%Y-%m-%d"),
        "billType": "ALL",
    }
    content, _ = _call(
        "check_file",
        payload,
        status=_amp_status,
        parse=_parse_check_file,
        log_request=payload | {"orgSecret": "******"},  # a credential: not for the exchange log
        read=_read_check_file,
    )
    return content
