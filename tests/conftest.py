import os
import shutil

import pytest

from apps.core.demo import DEMO_PASSWORD


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
