"""A fake platform on pytest-httpserver that checks the portal's signatures as CONTRACT.md says, and helpers
to call the portal's inbound base signed as the platform would."""

import json
import secrets
import time
from decimal import Decimal

import pytest
from werkzeug import Response

from apps.core import smcrypto


def now_ms() -> str:
    return str(int(time.time() * 1000))


def sign_json(settings, body: bytes, *, app_id=None, timestamp=None, nonce=None, secret=None) -> dict:
    """The four headers of CONTRACT.md section 4, computed here from the formula (not by the portal's codec)."""
    app_id = app_id or settings.PAYLATER_APP_ID
    timestamp = timestamp or now_ms()
    nonce = nonce or secrets.token_hex(8)
    secret = secret or settings.PAYLATER_APP_SECRET
    return {
        "X-App-Id": app_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": smcrypto.hmac_signature(secret, app_id, timestamp, nonce, body),
    }


def seen_nonce(nonce: str, *, at) -> None:
    """A platform call with this nonce was stored at `at` (its inbox row, as the inbound base writes it)."""
    from apps.integrations.models import Exchange

    exchange = Exchange.objects.create(direction="in", party="paylater", interface="test_echo", nonce=nonce)
    Exchange.objects.filter(pk=exchange.pk).update(created_at=at)  # created_at is set on insert


def seal_as_platform(settings, data: dict, *, private_key=None, timestamp=None, **outer) -> dict:
    return smcrypto.sm_seal(
        data,
        app_id=settings.PAYLATER_APP_ID,
        app_secret=settings.PAYLATER_APP_SECRET,
        private_key=private_key or settings.SANDBOX_SM2_PRIVATE_KEY,
        timestamp=timestamp or now_ms(),
        version="2.0.1",
        **outer,
    )


class FakePlatform:
    """Answers the portal's calls on one path each; records what it received after checking the signature."""

    def __init__(self, httpserver, settings):
        self.httpserver = httpserver
        self.settings = settings
        self.received: list[tuple[str, dict, dict]] = []  # (path, headers, decoded body)
        # The platform's own copy of the shared credentials: a test that changes the portal's settings later
        # makes the two sides disagree.
        self.app_id, self.secret = settings.PAYLATER_APP_ID, settings.PAYLATER_APP_SECRET
        self.portal_public_key = settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
        self.sign_key = settings.SANDBOX_SM2_PRIVATE_KEY
        settings.PAYLATER_BASE_URL = httpserver.url_for("/platform/")

    def path(self, name: str) -> str:
        return "/platform/" + self.settings.PAYLATER_PATHS[name]

    def _decode(self, request) -> dict | None:
        raw = request.get_data()
        if self.settings.PAYLATER_CODEC == "sm":
            try:
                return smcrypto.sm_open(
                    json.loads(raw),
                    app_secret=self.secret,
                    public_key=self.portal_public_key,
                )
            except smcrypto.SmCryptoError:
                return None
        h = request.headers
        expected = smcrypto.hmac_signature(self.secret, h["X-App-Id"], h["X-Timestamp"], h["X-Nonce"], raw)
        if h.get("X-Signature") != expected or h["X-App-Id"] != self.app_id:
            return None
        return json.loads(raw, parse_float=Decimal)

    def _encode(self, reply) -> bytes:
        if isinstance(reply, bytes):
            return reply
        if self.settings.PAYLATER_CODEC == "sm":
            envelope = seal_as_platform(
                self.settings, reply, private_key=self.sign_key, code="0", message="成功", success=True
            )
            return json.dumps(envelope, ensure_ascii=False).encode()
        return json.dumps(reply, ensure_ascii=False).encode()

    def answer(self, name: str, reply, *, delay: float = 0.0, status: int = 200, content_type="application/json"):
        """`reply`: the business object (encoded per codec), raw bytes, or a callable(decoded request) -> reply."""

        def handler(request):
            decoded = self._decode(request)
            if decoded is None:
                refusal = {"code": "401", "message": "验签失败", "success": False, "appId": "x"}
                return Response(json.dumps(refusal), status=200, content_type="application/json")
            self.received.append((name, dict(request.headers), decoded))
            body = reply(decoded) if callable(reply) else reply
            if delay:
                time.sleep(delay)
            return Response(self._encode(body), status=status, content_type=content_type)

        self.httpserver.expect_request(self.path(name), method="POST").respond_with_handler(handler)


@pytest.fixture
def platform(httpserver, settings):
    settings.UPSTREAM_READ_TIMEOUT = 1.0
    return FakePlatform(httpserver, settings)


@pytest.fixture(params=["json", "sm"])
def codec_name(request, settings):
    settings.PAYLATER_CODEC = request.param
    return request.param
