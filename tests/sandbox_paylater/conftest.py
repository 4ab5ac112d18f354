"""Helpers for talking to the simulated platform as the portal does: signed over real HTTP.

The signature is computed here from CONTRACT.md section 4, independently of the sandbox's code, so a wrong
implementation on either side shows up.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from decimal import Decimal

import pytest
import requests
from django.conf import settings


def sign_headers(body: bytes, *, secret: str | None = None, timestamp: str | None = None, nonce: str | None = None):
    app_id = settings.PAYLATER_APP_ID
    timestamp = timestamp or str(int(time.time() * 1000))
    nonce = nonce or secrets.token_hex(12)
    digest = hashlib.sha256(body).hexdigest()
    message = f"{app_id}\n{timestamp}\n{nonce}\n{digest}".encode()
    key = (secret or settings.PAYLATER_APP_SECRET).encode()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-App-Id": app_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": hmac.new(key, message, hashlib.sha256).hexdigest(),
    }


@pytest.fixture
def call(sandbox):
    """call(name, payload, **sign_kwargs) -> requests.Response, POSTed to the platform path `name`."""

    def _call(name: str, payload, *, raw: bytes | None = None, **sign_kwargs):
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        url = settings.PAYLATER_BASE_URL + settings.PAYLATER_PATHS[name]
        return requests.post(url, data=body, headers=sign_headers(body, **sign_kwargs), timeout=10)

    return _call


def as_json(response: requests.Response):
    return json.loads(response.content, parse_float=Decimal)


def form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


ZHANG = {"user_name": "张伟", "cert_no": "220102198805060015"}  # signed (CONTRACT.md section 3)
WANG = {"user_name": "王芳", "cert_no": "220104199203150029"}  # not signed


def signature_ok(request) -> bool:
    """Does a request into the portal carry CONTRACT.md section 4's headers, correctly signed?"""
    h = request.headers
    expected = sign_headers(request.get_data(), timestamp=h.get("X-Timestamp"), nonce=h.get("X-Nonce"))
    return h.get("X-App-Id") == settings.PAYLATER_APP_ID and h.get("X-Signature") == expected["X-Signature"]


@pytest.fixture
def fake_portal(httpserver, sandbox, settings):
    """A pytest-httpserver standing in for the portal's /api/platform/org_00x while the platform runs live.

    Returns `calls(interface)`: the JSON bodies the platform sent there, each checked for a valid signature.
    """
    settings.PORTAL_BASE_URL = httpserver.url_for("").rstrip("/")

    def calls(interface: str) -> list[dict]:
        found = [req for req, _ in httpserver.log if req.path == f"/api/platform/{interface}"]
        assert all(signature_ok(req) for req in found), f"{interface}: unsigned or badly signed call"
        return [json.loads(req.get_data(), parse_float=Decimal) for req in found]

    return calls
