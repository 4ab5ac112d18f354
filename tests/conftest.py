import json
import os
import secrets
import shutil
import time

import pytest
import requests

from apps.core.demo import DEMO_PASSWORD
from apps.core.smcrypto import hmac_signature


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """demo_data hashes five passwords per test and every login one more; the production hasher (a million PBKDF2
    rounds) would make that the bulk of the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sandbox_done():
    """Wait until the sandbox has finished the work of every call it received, as a caller that timed out would
    by waiting before it asks what happened."""
    from apps.sandbox.faults import wait_idle

    return wait_idle


@pytest.fixture
def sandbox(live_server, settings):
    """Point both adapters, and the sandbox's calls back into the portal, at Django's live server."""
    base = live_server.url
    settings.PORTAL_BASE_URL = base
    settings.PAYLATER_BASE_URL = f"{base}/sandbox/paylater/"
    settings.NHSA_BASE_URL = f"{base}/sandbox/nhsa/"
    settings.UPSTREAM_READ_TIMEOUT = 2.0
    yield live_server
    # A late answer (the timeout fault) must not reach the database of the next test.
    from apps.sandbox.faults import wait_idle

    wait_idle(whole_requests=True)


@pytest.fixture
def platform(sandbox, settings):
    """Call the portal's /api/platform/ endpoints the way the platform does (codec json), over real HTTP."""

    def call(interface: str, payload, *, raw: bytes | None = None, timestamp=None, nonce=None):
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        timestamp, nonce = timestamp or str(int(time.time() * 1000)), nonce or secrets.token_hex(12)
        headers = {
            "Content-Type": "application/json",
            "X-App-Id": settings.PAYLATER_APP_ID,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": hmac_signature(
                settings.PAYLATER_APP_SECRET, settings.PAYLATER_APP_ID, timestamp, nonce, body
            ),
        }
        response = requests.post(f"{sandbox.url}/api/platform/{interface}", data=body, headers=headers, timeout=30)
        return response.status_code, response.json()

    return call


@pytest.fixture
def new_order(demo, sandbox):
    """An online registration order in the state the patient leaves it when sent to the cashier."""
    from apps.outpatient.models import OrderState, Schedule
    from apps.outpatient.services import order_create

    def make(name="张伟", certno="220102198805060015", state=OrderState.AWAITING_PAYMENT):
        schedule = Schedule.objects.open_for_booking().order_by("date", "period", "id").first()
        order = order_create(name=name, certno=certno, schedule_id=schedule.pk)
        order.state = state
        order.save(update_fields=["state"])
        return order

    return make


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("demo_data", stdout=open(os.devnull, "w"))


@pytest.fixture
def login(client, demo):
    def _login(username):
        assert client.login(username=username, password=DEMO_PASSWORD)
        return client

    return _login


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright. Skipped locally without chromium; in CI it must run."""
    path = shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser tests")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
