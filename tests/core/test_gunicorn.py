"""The README's production command line, run for real: gunicorn serves the portal with DEBUG=false."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.core.conftest import manage, production_env

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, url: str, deadline: float) -> requests.Response:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}")
        try:
            # The first request also loads Django in the worker, which is slow on a busy machine.
            return requests.get(url, timeout=10)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


@pytest.fixture
def gunicorn(production_db, tmp_path):
    # Plain HTTP on a local port: the TLS redirect belongs to the reverse proxy in front of it.
    env = production_env(production_db, SECURE_SSL_REDIRECT="false", STATIC_ROOT=str(tmp_path / "static"))
    collected = manage("collectstatic", "--noinput", "-v0", env=env, timeout=120)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    process = subprocess.Popen(
        [GUNICORN, "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.seek(0)
        print(log.read())
        log.close()


def test_gunicorn_serves_the_portal_in_production_mode(gunicorn):
    process, base = gunicorn
    health = wait_until_serving(process, f"{base}/healthz", time.monotonic() + 30)
    assert health.status_code == 200
    assert health.text == "ok"

    login = requests.get(f"{base}/accounts/login/", timeout=10)
    assert login.status_code == 200
    assert "工作人员登录" in login.text
    assert "开发环境" not in login.text  # the sandbox footer is a development-only sign
    assert "Secure" in login.headers["Set-Cookie"]  # CSRF cookie marked for HTTPS only
    stylesheet = next(part for part in login.text.split('"') if part.startswith("/static/css/portal."))
    assert requests.get(f"{base}{stylesheet}", timeout=10).status_code == 200  # hashed name, served by WhiteNoise

    assert requests.get(f"{base}/sandbox/", timeout=10).status_code == 404
    assert requests.get(f"{base}/role/cashier/", timeout=10, allow_redirects=False).status_code == 302
    assert requests.get(f"{base}/healthz", headers={"Host": "evil.example"}, timeout=10).status_code == 400
