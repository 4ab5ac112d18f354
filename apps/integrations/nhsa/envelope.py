"""The gateway's message frame (INTERFACES.md 3.1): msgid, x-tif-* headers, the envelope, sign-in, one call."""

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.refs import BusinessRef
from apps.integrations import transport
from apps.integrations.models import Exchange, MsgidCounter, NhsaSignIn, Outcome, Party
from apps.integrations.nhsa import assumed
from apps.integrations.transport import BadReply, UpstreamRefused

SIGN_IN = "9001"
MSGID_SEQUENCE_MAX = 9999


@dataclass(frozen=True)
class Opter:
    """Who acts: `opter`/`opter_name` of the envelope; `opter_type` 1 staff, 2 kiosk, 3 mobile."""

    opter: str
    opter_name: str
    opter_type: str = "1"


SYSTEM = Opter("system", "系统自动处理")


def as_opter(value) -> Opter:
    """Accept an Opter, "system", an (id, name) pair, or a Django user."""
    if isinstance(value, Opter):
        opter = value
    elif value == "system":
        opter = SYSTEM
    elif isinstance(value, tuple) and len(value) == 2:
        opter = Opter(str(value[0]), str(value[1]))
    elif hasattr(value, "get_username"):
        opter = Opter(value.get_username(), value.get_full_name() or value.get_username())
    else:
        raise ApplicationError(f"opter: 无法识别的操作员 {value!r}")
    if not opter.opter or len(opter.opter) > 30:
        raise ApplicationError("opter: 操作员编号必填且不超过30位")
    if not opter.opter_name or len(opter.opter_name) > 50:
        raise ApplicationError("opter_name: 操作员姓名必填且不超过50字")
    if opter.opter_type not in ("1", "2", "3"):
        raise ApplicationError("opter_type: 只能是 1 经办人、2 自助终端、3 移动终端")
    return opter


def msgid_org_code() -> str:
    """The 12 characters of fixmedins_code that open every msgid.

    National codes are 12 characters (e.g. H22010200001). A longer configured code is cut to its first 12; a
    shorter one is right-padded with "0", so msgid always has the 30 characters the gateway expects.
    """
    return settings.ORG_CODE[:12].ljust(12, "0")


def new_msgid() -> str:
    """fixmedins_code(12) + yyyyMMddHHmmss + a 4-digit sequence that is unique per second across processes.

    The sequence lives in the database (MsgidCounter): an UPDATE ... SET last = last + 1 row-locks the counter
    until this transaction ends, so no two callers read the same value. After 9999 in one second, wait.
    """
    org = msgid_org_code()
    while True:
        stamp = org + timezone.localtime().strftime("%Y%m%d%H%M%S")
        with transaction.atomic():
            if MsgidCounter.objects.filter(stamp=stamp).update(last=F("last") + 1):
                seq = MsgidCounter.objects.values_list("last", flat=True).get(stamp=stamp)
            else:
                try:
                    with transaction.atomic():
                        MsgidCounter.objects.create(stamp=stamp, last=1)
                    seq = 1
                except IntegrityError:
                    continue  # another process created this second's row first: increment it instead
        if seq <= MSGID_SEQUENCE_MAX:
            return f"{stamp}{seq:04d}"
        time.sleep(0.05)


def tif_headers() -> dict:
    """x-tif-signature = lowercase hex SHA-256(timestamp + secret + nonce + timestamp), timestamp in seconds."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    signature = hashlib.sha256(f"{timestamp}{settings.NHSA_SECRET}{nonce}{timestamp}".encode()).hexdigest()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "x-tif-paasid": settings.NHSA_PAASID,
        "x-tif-timestamp": timestamp,
        "x-tif-nonce": nonce,
        "x-tif-signature": signature,
    }


def endpoint() -> str:
    return settings.NHSA_BASE_URL.rstrip("/") + "/" + settings.NHSA_PATH.lstrip("/")


@dataclass(frozen=True)
class Reply:
    """The answer's frame; `output` is already turned into the transaction's typed result."""

    infcode: int
    err_msg: str
    warn_msg: str
    inf_refmsgid: str
    output: object


def _infcode(value) -> int:
    """infcode arrives as 0, "0", -1 or "-1"."""
    if isinstance(value, bool) or value is None:
        raise BadReply(f"infcode 不是数字: {value!r}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadReply(f"infcode 不是数字: {value!r}") from None


def _read(data, parse: Callable[[dict], object]) -> Reply:
    if not isinstance(data, dict) or "infcode" not in data:
        raise BadReply("应答不是医保网关报文（缺少 infcode）")
    infcode = _infcode(data["infcode"])
    output = data.get("output") or {}
    if not isinstance(output, dict):
        raise BadReply("output 不是对象")
    return Reply(
        infcode=infcode,
        err_msg=str(data.get("err_msg") or ""),
        warn_msg=str(data.get("warn_msg") or ""),
        inf_refmsgid=str(data.get("inf_refmsgid") or ""),
        output=parse(output) if infcode == 0 else None,
    )


# A file download (9102) answers the file itself with this type; a refusal is still the JSON envelope.
FILE_CONTENT_TYPE = "application/octet-stream"


def _decoder(parse: Callable[[dict], object], read_file: Callable[[bytes], dict] | None = None):
    """transport's decoder: the answer as JSON (that is what the exchange log keeps), checked by reading it.

    The output is read here, not later, so that a "success" whose output cannot be read leaves a money call
    unknown (and recovery reverses it) rather than half-recorded. A file answer becomes a successful envelope
    whose output is what `read_file` makes of the bytes.
    """

    def decode(response) -> dict:
        if read_file is not None and response.headers.get("Content-Type", "").startswith(FILE_CONTENT_TYPE):
            data = {"infcode": 0, "output": read_file(response.content)}
        else:
            data = transport.loads(response.content)
        _read(data, parse)
        return data

    return decode


@dataclass(frozen=True)
class Sent:
    """What every transaction function gets back from `call`."""

    output: object
    msgid: str
    warn_msg: str
    exchange: Exchange


def call(
    infno: str,
    input: dict,
    *,
    opter,
    parse: Callable[[dict], object] = lambda output: output,
    insuplc_admdvs: str = "",
    money: bool = False,
    business: BusinessRef | None = None,
    read_file: Callable[[bytes], dict] | None = None,
) -> Sent:
    """Send one transaction under a fresh msgid and return its parsed output.

    Raises UpstreamRefused (infcode != 0), UpstreamUnavailable, or UpstreamUnknownOutcome (money calls only;
    recorded by transport, never to be resent). A refusal of the cached sign_no (the gateway signed the operator
    out, or restarted) signs in again and sends once more: a refused message did nothing, so this is safe.
    `read_file` is for a transaction that answers a file (9102): it turns the bytes into the output `parse` reads.
    """
    who = as_opter(opter)
    send = functools.partial(
        _send,
        infno,
        input,
        who=who,
        parse=parse,
        insuplc_admdvs=insuplc_admdvs,
        money=money,
        business=business,
        read_file=read_file,
    )
    if infno == SIGN_IN:
        return send(sign_no="")
    sign_no = sign_no_for(who)
    try:
        return send(sign_no=sign_no)
    except UpstreamRefused as exc:
        if not assumed.sign_in_rejected(exc.upstream_message):
            raise
        NhsaSignIn.objects.filter(opter=who.opter, sign_no=sign_no).delete()
        return send(sign_no=sign_no_for(who))


def _send(infno, input, *, who: Opter, sign_no: str, parse, insuplc_admdvs, money, business, read_file) -> Sent:
    msgid = new_msgid()
    envelope = {
        "infno": infno,
        "msgid": msgid,
        "mdtrtarea_admvs": settings.ADMDVS,
        "insuplc_admdvs": insuplc_admdvs,
        "recer_sys_code": settings.NHSA_RECER_SYS_CODE,
        "dev_no": settings.NHSA_DEV_NO,
        "dev_safe_info": "",
        "cainfo": "",
        "signtype": "",
        "infver": settings.NHSA_INFVER,
        "opter_type": who.opter_type,
        "opter": who.opter,
        "opter_name": who.opter_name,
        "inf_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "fixmedins_code": settings.ORG_CODE,
        "fixmedins_name": settings.ORG_NAME,
        "sign_no": sign_no,
        "input": input,
    }
    data, exchange = transport.post(
        party=Party.NHSA,
        interface=infno,
        url=endpoint(),
        body=transport.dumps(envelope),
        headers=tif_headers(),
        log_request=envelope,
        decode=_decoder(parse, read_file),
        money=money,
        msgid=msgid,
        business=business,
    )
    reply = _read(data, parse)
    if reply.infcode != 0:
        transport.exchange_settle(exchange, Outcome.REFUSED, code=reply.infcode, message=reply.err_msg)
        raise UpstreamRefused(
            f"{infno}: 医保网关拒绝：{reply.err_msg or '未说明原因'}",
            exchange=exchange,
            code=str(reply.infcode),
            upstream_message=reply.err_msg,
        )
    transport.exchange_settle(exchange, Outcome.OK, code=reply.infcode, message=reply.warn_msg)
    return Sent(output=reply.output, msgid=msgid, warn_msg=reply.warn_msg, exchange=exchange)


def _parse_sign_in(output: dict) -> dict:
    node = output.get("signinoutb")
    if not isinstance(node, dict) or not node.get("sign_no"):
        raise BadReply("9001 应答缺少 signinoutb.sign_no")
    return {"sign_no": str(node["sign_no"]), "sign_time": str(node.get("sign_time") or "")}


def sign_in(*, opter) -> NhsaSignIn:
    """9001: sign the operator in for today and remember the sign_no for every process. The gateway records
    the terminal it was done from: settings NHSA_DEV_MAC and NHSA_DEV_IP (default: this host's)."""
    who = as_opter(opter)
    sign = {"opter_no": who.opter, "mac": settings.NHSA_DEV_MAC, "ip": settings.NHSA_DEV_IP}
    sent = call(SIGN_IN, {"signIn": sign}, opter=who, parse=_parse_sign_in)
    # Two processes may sign the same operator in at once; both sign_no are valid, the first stored wins.
    row, _ = NhsaSignIn.objects.get_or_create(
        opter=who.opter,
        sign_date=timezone.localdate(),
        defaults={"sign_no": sent.output["sign_no"], "sign_time": sent.output["sign_time"], "exchange": sent.exchange},
    )
    return row


def sign_no_for(opter: Opter) -> str:
    row = NhsaSignIn.objects.filter(opter=opter.opter, sign_date=timezone.localdate()).first()
    return (row or sign_in(opter=opter)).sign_no
