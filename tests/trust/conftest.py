"""Calls into /api/platform/ over real HTTP, signed as CONTRACT.md section 4 says or not at all."""

import logging
import secrets
import time

import pytest
import requests

from apps.core.smcrypto import hmac_signature


def signed_headers(settings, body: bytes, **override) -> dict:
    timestamp = override.pop("timestamp", str(int(time.time() * 1000)))
    nonce = override.pop("nonce", secrets.token_hex(12))
    app_id = override.pop("app_id", settings.PAYLATER_APP_ID)
    return {
        "Content-Type": "application/json",
        "X-App-Id": app_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": hmac_signature(settings.PAYLATER_APP_SECRET, app_id, timestamp, nonce, body),
    } | override


@pytest.fixture
def post_raw(live_server, settings):
    """POST raw bytes to /api/platform/<interface>; `signed` adds the four headers over exactly these bytes."""

    def post(interface: str, body: bytes, *, signed: bool, **headers) -> requests.Response:
        sent = signed_headers(settings, body, **headers) if signed else {"Content-Type": "application/json"} | headers
        return requests.post(f"{live_server.url}/api/platform/{interface}", data=body, headers=sent, timeout=30)

    return post


@pytest.fixture
def platform_log(caplog):
    """Everything logged at INFO and above while the test runs, from every thread (the live server's too)."""
    caplog.set_level(logging.INFO)
    return caplog
