"""How the simulated platform authenticates the portal's calls and signs its own calls back, per
settings.PAYLATER_CODEC (read at call time).

- `json`: the four X-* headers of CONTRACT.md section 4, HMAC-SHA256 with PAYLATER_APP_SECRET, a 300 s window
  and nonces remembered for that window. Replies are plain JSON.
- `sm`: the national envelope of INTERFACES.md 1.7 `{appId, encType, signType, version, timestamp, encData,
  signData}`, built from apps.core.smcrypto. The portal signs with its key (we verify with
  SANDBOX_SM2_PORTAL_PUBLIC_KEY); we sign with SANDBOX_SM2_PRIVATE_KEY. [assumed] Replies use the national
  response envelope `{code: "0", message, success: true, appId, encType, signType, version, timestamp, encData,
  signData}`; a refused call (bad signature) answers plain JSON, since nothing can be trusted to encrypt it.

This is the platform's own code: the sandbox never imports the portal's adapter (apps/integrations/**).
"""

import hmac
import json
import secrets
import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import HttpResponse
from django.utils import timezone

from apps.core import smcrypto
from apps.sandbox.paylater.models import SeenNonce

SM_VERSION = "2.0.1"


class CallRefused(Exception):
    """The call is not authentic or not readable; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def _loads_object(raw: bytes) -> dict:
    try:
        value = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise CallRefused("请求体不是合法的 JSON", status=400) from None
    if not isinstance(value, dict):
        raise CallRefused("请求体必须是 JSON 对象", status=400)
    return value


def _window() -> int:
    return settings.PLATFORM_AUTH_WINDOW_SECONDS


def _check_hmac_headers(request) -> None:
    app_id = request.headers.get("X-App-Id", "")
    timestamp = request.headers.get("X-Timestamp", "")
    nonce = request.headers.get("X-Nonce", "")
    signature = request.headers.get("X-Signature", "")
    if not (app_id and timestamp and nonce and signature):
        raise CallRefused("缺少认证头 X-App-Id / X-Timestamp / X-Nonce / X-Signature")
    if not hmac.compare_digest(app_id, settings.PAYLATER_APP_ID):
        raise CallRefused("未知的 X-App-Id")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > _window() * 1000:
        raise CallRefused("X-Timestamp 无效或超出 300 秒时间窗")
    if not 8 <= len(nonce) <= 64:
        raise CallRefused("X-Nonce 长度应为 8–64 个字符")
    expected = smcrypto.hmac_signature(settings.PAYLATER_APP_SECRET, app_id, timestamp, nonce, request.body)
    if not hmac.compare_digest(signature, expected):
        raise CallRefused("X-Signature 签名错误")
    _remember(app_id, nonce, "X-Nonce")


def _remember(app_id: str, nonce: str, field: str) -> None:
    """Refuse a nonce seen within the window. Called only after the signature checks out, so strangers
    cannot fill the table."""
    now = timezone.now()
    SeenNonce.objects.filter(seen_at__lt=now - timedelta(seconds=_window())).delete()
    try:
        SeenNonce.objects.create(app_id=app_id, nonce=nonce, seen_at=now)
    except IntegrityError:
        raise CallRefused(f"{field} 已使用过（重放）") from None


def _sm_timestamp_ok(value: str) -> bool:
    """13-digit epoch milliseconds or yyyyMMddHHmmss, both seen in national implementations."""
    if not value.isdigit():
        return False
    if len(value) == 13:
        seconds = int(value) / 1000
    elif len(value) == 14:
        try:
            local = datetime.strptime(value, "%Y%m%d%H%M%S")
        except ValueError:
            return False
        seconds = timezone.make_aware(local).timestamp()
    else:
        return False
    return abs(time.time() - seconds) <= _window()


def _sm_open(envelope: dict) -> dict:
    """The data of an envelope the portal signed, after checking who sent it and when."""
    if envelope.get("appId") != settings.PAYLATER_APP_ID:
        raise CallRefused("未知的 appId")
    if not _sm_timestamp_ok(str(envelope.get("timestamp", ""))):
        raise CallRefused("timestamp 无效或超出 300 秒时间窗")
    try:
        return smcrypto.sm_open(
            envelope, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
        )
    except smcrypto.SmCryptoError as exc:
        raise CallRefused(f"国密报文无效：{exc}") from None


def _sm_remember(envelope: dict) -> None:
    # The envelope has no nonce; its signature is unique per message (SM2 draws a fresh k), so it serves as one.
    _remember(settings.PAYLATER_APP_ID, smcrypto.sm3_hex(envelope["signData"].encode()), "signData")


def _sm_seal(data: dict, **outer) -> dict:
    return smcrypto.sm_seal(
        json.loads(dumps(data), parse_float=Decimal),  # dates and the like as the wire carries them
        app_id=settings.PAYLATER_APP_ID,
        app_secret=settings.PAYLATER_APP_SECRET,
        private_key=settings.SANDBOX_SM2_PRIVATE_KEY,
        timestamp=str(int(time.time() * 1000)),
        version=SM_VERSION,
        **outer,
    )


def read_call(request) -> dict:
    """The authenticated JSON object the portal sent, or CallRefused."""
    if settings.PAYLATER_CODEC == "sm":
        envelope = _loads_object(request.body)
        data = _sm_open(envelope)
        _sm_remember(envelope)
        return data
    _check_hmac_headers(request)
    return _loads_object(request.body)


def reply(data: dict, *, status: int = 200) -> HttpResponse:
    """A JSON reply to the portal, enveloped when the codec is `sm`."""
    if settings.PAYLATER_CODEC == "sm" and status == 200:
        data = _sm_seal(data, code="0", message="成功", success=True)
    return HttpResponse(dumps(data), status=status, content_type="application/json; charset=utf-8")


def encode_call(payload: dict) -> tuple[bytes, dict]:
    """Body and headers for a call from the platform into the portal (org_001 … org_003)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.PAYLATER_CODEC == "sm":
        return dumps(_sm_seal(payload)), headers
    body = dumps(payload)
    timestamp = str(int(time.time() * 1000))
    nonce = secrets.token_hex(16)
    app_id = settings.PAYLATER_APP_ID
    headers |= {
        "X-App-Id": app_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": smcrypto.hmac_signature(settings.PAYLATER_APP_SECRET, app_id, timestamp, nonce, body),
    }
    return body, headers


def decode_reply(raw: bytes) -> dict:
    """The portal's reply: plain JSON, or (codec `sm`) an envelope signed with the portal's key."""
    value = _loads_object(raw)
    if settings.PAYLATER_CODEC == "sm" and "encData" in value:
        return _sm_open(value)
    return value
