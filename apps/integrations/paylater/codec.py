"""The two wire formats toward the platform, chosen by settings.PAYLATER_CODEC at call time (CONTRACT.md 2).

Used both ways: `encode_request` / `decode_reply` for the portal's calls, `check_request` / `encode_reply` for
the platform's calls into /api/platform/ (apps.integrations.inbound).

- `json`: the business object as plain JSON; requests carry X-App-Id, X-Timestamp (unix ms), X-Nonce and
  X-Signature (apps.core.smcrypto.hmac_signature). Replies are not signed.
- `sm`: the national envelope of INTERFACES.md 1.7 ({appId, encType, signType, version, timestamp, encData,
  signData}); the business object is its `data`, in both directions. [assumed] Our calls and our replies are
  signed with PAYLATER_SM2_PRIVATE_KEY; the platform's with the key in PAYLATER_SM2_PLATFORM_PUBLIC_KEY. A reply
  envelope without encData is a gateway-level refusal, described by its plaintext code/message. The envelope
  has no nonce, so a replayed envelope is recognised by its signData (see `Inbound.nonce`).
"""

import base64
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from apps.core import smcrypto
from apps.integrations.transport import BadReply, dumps, loads

# [assumed] The envelope version the national mobile-pay SDKs send; the Jilin PDF may name another.
SM_VERSION = "2.0.1"
SIGNED_HEADERS = ("X-App-Id", "X-Timestamp", "X-Nonce", "X-Signature")
_SHANGHAI = ZoneInfo("Asia/Shanghai")
# Deeper than any interface's body (org_002's rxlist is three levels); bounds the recursion of whatever walks it.
MAX_DEPTH = 32
# What neither PostgreSQL (text, jsonb) nor UTF-8 can hold: NUL and lone surrogates ("\ud800" in JSON).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class AuthFailed(Exception):
    """The call is not provably the platform's (HTTP 401). The message names what failed."""


class NotAnObject(Exception):
    """The body is not a JSON object as the contract allows it (HTTP 400). The message names what is wrong."""


@dataclass(frozen=True)
class Inbound:
    app_id: str
    nonce: str  # to be remembered for the window: X-Nonce, or SM3 of the envelope's signData
    data: dict


class _Constant(ValueError):
    pass


def _refuse_constant(name: str):
    raise _Constant(name)


def strict_loads(raw: bytes):
    """A body as CONTRACT.md allows it: UTF-8 JSON (numbers with a fraction as Decimal), no NaN or Infinity,
    no NUL or lone surrogate in a string or key, nested at most MAX_DEPTH deep. NotAnObject says why not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotAnObject("请求体必须是UTF-8编码的JSON") from None
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except _Constant as exc:
        raise NotAnObject(f"请求体含JSON不允许的数值 {exc}") from None
    except RecursionError:
        raise NotAnObject(f"请求体嵌套超过{MAX_DEPTH}层") from None
    except ValueError:
        raise NotAnObject("请求体不是有效的JSON") from None
    check_plain(value)
    return value


def check_plain(value) -> None:
    """NotAnObject unless `value` can be stored and logged as it is (see strict_loads). Iterative: the value
    may come from a decoder that allowed deeper nesting (the sm envelope's data)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise NotAnObject(f"请求体嵌套超过{MAX_DEPTH}层")
        if isinstance(item, dict):
            for key, member in item.items():
                if UNSTORABLE.search(key):
                    raise NotAnObject("请求体的键含NUL或无效的Unicode字符")
                pending.append((member, depth + 1))
        elif isinstance(item, list):
            pending.extend((member, depth + 1) for member in item)
        elif isinstance(item, str) and UNSTORABLE.search(item):
            raise NotAnObject("请求体的字符串含NUL或无效的Unicode字符")
        elif (isinstance(item, Decimal) and not item.is_finite()) or (
            isinstance(item, float) and not math.isfinite(item)
        ):
            raise NotAnObject("请求体含JSON不允许的数值 NaN/Infinity")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _plain(payload: dict) -> dict:
    # Decimal becomes its 2-place string, exactly as the json codec writes it, so both codecs carry one form.
    return loads(dumps(payload))


def sign_headers(body: bytes) -> dict:
    """The json codec's four headers over `body`, as the platform (and our sandbox) checks them."""
    app_id, timestamp, nonce = settings.PAYLATER_APP_ID, str(_now_ms()), secrets.token_hex(16)
    signature = smcrypto.hmac_signature(settings.PAYLATER_APP_SECRET, app_id, timestamp, nonce, body)
    return {"X-App-Id": app_id, "X-Timestamp": timestamp, "X-Nonce": nonce, "X-Signature": signature}


def _seal(payload: dict, **outer) -> bytes:
    envelope = smcrypto.sm_seal(
        _plain(payload),
        app_id=settings.PAYLATER_APP_ID,
        app_secret=settings.PAYLATER_APP_SECRET,
        private_key=settings.PAYLATER_SM2_PRIVATE_KEY,
        timestamp=str(_now_ms()),
        version=SM_VERSION,
        **outer,
    )
    return dumps(envelope)


def encode_request(payload: dict) -> tuple[bytes, dict]:
    """(body, headers) of a call to the platform."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.PAYLATER_CODEC == "sm":
        return _seal(payload), headers
    body = dumps(payload)
    return body, headers | sign_headers(body)


def decode_reply(raw: bytes) -> dict:
    """`{"envelope": <plaintext outer members>, "data": <business object, or None if refused>}`; BadReply else.

    The json codec has no envelope. JSON-like throughout, so that transport logs it (masked) as it is.
    """
    reply = loads(raw)
    if not isinstance(reply, dict):
        raise BadReply("应答不是JSON对象")
    if settings.PAYLATER_CODEC != "sm":
        return {"envelope": {}, "data": reply}
    outer = {k: v for k, v in reply.items() if k not in ("encData", "signData")}
    if not reply.get("encData"):
        if reply.get("success") is True or str(reply.get("code", "")) == "0":
            raise BadReply("国密信封标明成功却没有encData")
        return {"envelope": outer, "data": None}
    try:
        data = smcrypto.sm_open(
            reply, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.PAYLATER_SM2_PLATFORM_PUBLIC_KEY
        )
    except smcrypto.SmCryptoError as exc:
        raise BadReply(f"国密信封无法验证: {exc}") from None
    return {"envelope": outer, "data": data}


def _check_time(timestamp: str, field: str) -> None:
    # isdigit() alone also takes "²" and other scripts' digits, which int() and strptime() refuse.
    digits = timestamp.isascii() and timestamp.isdigit()
    if digits and len(timestamp) == 13:
        millis = int(timestamp)
    elif digits and len(timestamp) == 14:  # yyyyMMddHHmmss, Beijing time, as some SDKs send it
        try:
            moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=_SHANGHAI)
        except ValueError:
            raise AuthFailed(f"{field} 不是有效时间") from None
        millis = int(moment.timestamp() * 1000)
    else:
        raise AuthFailed(f"{field} 应为13位毫秒时间戳")
    if abs(_now_ms() - millis) > settings.PLATFORM_AUTH_WINDOW_SECONDS * 1000:
        raise AuthFailed(f"{field} 与服务器时间相差超过{settings.PLATFORM_AUTH_WINDOW_SECONDS}秒")


def _check_app_id(app_id, field: str) -> str:
    if not isinstance(app_id, str) or not app_id:
        raise AuthFailed(f"缺少 {field}")
    if not hmac.compare_digest(app_id.encode(), settings.PAYLATER_APP_ID.encode()):
        raise AuthFailed(f"{field} 未知")
    return app_id


def _json_object(raw: bytes) -> dict:
    body = strict_loads(raw)
    if not isinstance(body, dict):
        raise NotAnObject("请求体必须是JSON对象")
    return body


def check_request(headers: Mapping[str, str], raw: bytes) -> Inbound:
    """Authenticate and decode a call from the platform. AuthFailed / NotAnObject say why not.

    The nonce is returned, not remembered: the caller stores it (shared by all processes).
    """
    if settings.PAYLATER_CODEC == "sm":
        return _check_envelope(raw)
    missing = [name for name in SIGNED_HEADERS if not headers.get(name)]
    if missing:
        raise AuthFailed(f"缺少请求头 {', '.join(missing)}")
    app_id = _check_app_id(headers["X-App-Id"], "X-App-Id")
    timestamp, nonce = headers["X-Timestamp"], headers["X-Nonce"]
    _check_time(timestamp, "X-Timestamp")
    if not 8 <= len(nonce) <= 64 or not nonce.isascii() or not nonce.isprintable():
        raise AuthFailed("X-Nonce 应为8至64个可见ASCII字符")
    expected = smcrypto.hmac_signature(settings.PAYLATER_APP_SECRET, app_id, timestamp, nonce, raw)
    if not hmac.compare_digest(expected.encode(), headers["X-Signature"].strip().lower().encode()):
        raise AuthFailed("X-Signature 签名不正确")
    return Inbound(app_id=app_id, nonce=nonce, data=_json_object(raw))


def _check_envelope(raw: bytes) -> Inbound:
    envelope = _json_object(raw)
    app_id = _check_app_id(envelope.get("appId"), "appId")
    timestamp = envelope.get("timestamp")
    _check_time(timestamp if isinstance(timestamp, str) else str(timestamp), "timestamp")
    try:
        data = smcrypto.sm_open(
            envelope, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.PAYLATER_SM2_PLATFORM_PUBLIC_KEY
        )
    except smcrypto.SmCryptoError as exc:
        raise AuthFailed(f"国密信封验证失败: {exc}") from None
    except RecursionError:  # the decrypted data nested deeper than json can parse
        raise NotAnObject(f"请求体嵌套超过{MAX_DEPTH}层") from None
    check_plain(data)
    # The nonce is the signature's 64 bytes, not its Base64 text: Base64 has more than one spelling of the same
    # bytes, and a replay re-spelt that way must still be a replay.
    signature = base64.b64decode(envelope["signData"])
    return Inbound(app_id=app_id, nonce=smcrypto.sm3_hex(signature), data=data)


def encode_reply(payload: dict) -> bytes:
    """Our answer to an authenticated call, in the codec's form."""
    if settings.PAYLATER_CODEC == "sm":
        return _seal(payload, code="0", message="成功", success=True)
    return dumps(payload)
