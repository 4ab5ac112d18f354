"""The role x page matrix, enumerated from the apps' registered screens so that it grows with them."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.core.roles import ROLE_LABELS
from apps.core.views import role_screens

pytestmark = pytest.mark.django_db
ROLES = list(ROLE_LABELS)


def screen_urls(role: str) -> set[str]:
    return {screen["url"] for screen in role_screens(role)}


def assert_refused(response, url):
    """Another role's page: 403 in Chinese, or (admin pages) the admin's own login for non-staff users."""
    if url.startswith("/admin/"):
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), url
        return
    assert response.status_code == 403, url
    assert "无权访问" in response.content.decode(), url


def test_every_role_has_screens_and_a_chinese_label():
    for role in ROLES:
        assert list(role_screens(role)), role


@pytest.mark.parametrize("role", ROLES)
def test_role_home_is_chinese_and_lists_its_screens(login, role):
    client = login(role)
    assert client.get("/")["Location"] == f"/role/{role}/"
    response = client.get(f"/role/{role}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert f"{ROLE_LABELS[role]}工作台" in html
    for screen in role_screens(role):
        assert screen["title"] in html
        assert f'href="{screen["url"]}"' in html


@pytest.mark.parametrize("role", ROLES)
def test_role_opens_each_of_its_screens(login, role):
    client = login(role)
    for url in screen_urls(role):
        response = client.get(url)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_role_is_refused_other_roles_pages(login, role):
    client = login(role)
    own = screen_urls(role)
    for other in ROLES:
        if other == role:
            continue
        assert_refused(client.get(f"/role/{other}/"), f"/role/{other}/")
        for url in screen_urls(other) - own:
            assert_refused(client.get(url), url)


def test_superuser_sees_every_role(login):
    client = login("admin")
    html = client.get("/").content.decode()
    for role, label in ROLE_LABELS.items():
        assert f'href="/role/{role}/"' in html and f"{label}工作台" in html
        assert client.get(f"/role/{role}/").status_code == 200


def test_anonymous_is_sent_to_login(client, demo):
    urls = {"/", *(f"/role/{role}/" for role in ROLES)}
    for role in ROLES:
        urls |= screen_urls(role)
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 302, url
        login_url = "/admin/login/" if url.startswith("/admin/") else "/accounts/login/"
        assert response["Location"].startswith(f"{login_url}?next="), url


def test_unknown_role_page_is_404(login):
    assert login("admin").get("/role/nobody/").status_code == 404


def test_login_page_is_chinese_and_logs_in(client, demo):
    html = client.get("/accounts/login/").content.decode()
    for text in ('<html lang="zh-hans">', "工作人员登录", "用户名", "密码", "登录"):
        assert text in html
    bad = client.post("/accounts/login/", {"username": "cashier", "password": "wrong"})
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": "cashier", "password": "demo-pass-2026"})
    assert good.status_code == 302
    assert client.get(good["Location"])["Location"] == "/role/cashier/"


def test_logout_is_a_post(login):
    client = login("doctor")
    assert client.get("/accounts/logout/").status_code == 405  # a link or image cannot log anyone out
    assert client.get("/role/doctor/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/role/doctor/")["Location"].startswith("/accounts/login/")


def test_sessions_expire_after_inactivity(settings, login):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = login("finance")
    key = client.session.session_key
    assert client.get("/role/finance/").status_code == 200  # renewed at the first request

    # Within a minute of the last renewal, a request writes nothing.
    soon = timezone.now() + datetime.timedelta(seconds=600)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/role/finance/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon

    # A minute later, a request renews the whole window.
    session = client.session
    session["_renewed"] -= 60
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(seconds=60))
    assert client.get("/role/finance/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # A session idle past its window no longer logs anyone in.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/role/finance/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
