"""Issue 8: logins are rate-limited per account and per address (django-axes), with a Chinese message."""

import pytest
from django.test import Client

from apps.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


def attempt(username, password, ip, **meta):
    return Client().post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **meta)


def fail(times, username, ip):
    for _ in range(times):
        assert attempt(username, "wrong-password", ip).status_code == 200  # the form again, not yet locked


def assert_locked(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html and "15分钟后再试" in html


def test_an_account_is_locked_after_five_failures_from_anywhere(demo):
    fail(3, "cashier", "10.0.0.1")
    fail(1, "cashier", "10.0.0.2")
    assert attempt("cashier", DEMO_PASSWORD, "10.0.0.3").status_code == 302  # a success clears the count
    fail(4, "cashier", "10.0.0.4")
    assert_locked(attempt("cashier", "wrong-password", "10.0.0.4"))  # the fifth failure locks
    assert_locked(attempt("cashier", DEMO_PASSWORD, "10.0.0.5"))  # even the right password, from elsewhere
    assert attempt("doctor", DEMO_PASSWORD, "10.0.0.6").status_code == 302  # other accounts are not


def test_an_address_is_locked_after_five_failures_on_any_accounts(demo):
    for name in ["a", "b", "c", "d"]:
        fail(1, name, "10.0.0.9")
    assert_locked(attempt("e", "x", "10.0.0.9"))
    assert_locked(attempt("finance", DEMO_PASSWORD, "10.0.0.9"))
    assert attempt("finance", DEMO_PASSWORD, "10.0.0.10").status_code == 302


def test_the_admin_login_is_limited_too(demo):
    for _ in range(5):
        Client().post("/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR="10.0.1.1")
    assert_locked(Client().post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD}))


def test_behind_a_proxy_the_forwarded_address_counts(demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "192.168.0.1"
    for _ in range(5):
        attempt("nobody", "x", proxy, HTTP_X_FORWARDED_FOR="forged, 10.0.2.1")
    assert_locked(attempt("finance", DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="10.0.2.1"))
    assert attempt("finance", DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="10.0.2.2").status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored(demo):
    for n in range(5):
        attempt("nobody", "x", "10.0.3.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert_locked(attempt("finance", DEMO_PASSWORD, "10.0.3.1", HTTP_X_FORWARDED_FOR="10.9.9.9"))


def test_lockouts_do_not_outlive_a_test(login):
    """Runs after the lockouts above: the test database is rolled back, so nothing is locked any more."""
    assert attempt("cashier", DEMO_PASSWORD, "10.0.0.5").status_code == 302
    assert login("admin").get("/admin/").status_code == 200
