"""The staff shell and the portal's own pages: navigation from the registry, the staff member's name and the date,
Chinese whatever the browser asks for, words for codes, QR codes, error pages, the favicon and the API docs."""

import io
import logging
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core import labels
from apps.core.registry import screens
from apps.core.roles import ROLE_LABELS
from apps.integrations.router import platform_router

pytestmark = pytest.mark.django_db

NAMES = {"cashier": "刘晓燕", "doctor": "赵明", "finance": "陈静", "purchasing": "王磊"}


def nav_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="staffnav".*?</nav>', html, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav)) - {"/"}


@pytest.mark.parametrize("role", list(ROLE_LABELS))
def test_the_shell_shows_the_roles_screens_the_name_and_the_date(login, role):
    html = login(role).get(f"/role/{role}/").content.decode()
    assert nav_links(html) == {screen.url for screen in screens.for_role(role)}
    header = re.search(r'<header class="topbar">.*?</header>', html, re.S).group(0)
    assert NAMES[role] in header and f">{role}<" not in header, "the name, not the login"
    assert timezone.localdate().strftime("%Y年") in header and "星期" in header


def test_a_user_with_several_roles_sees_each_screen_once(client, demo):
    from apps.core.demo import DEMO_PASSWORD

    client.login(username="admin", password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    links = re.findall(r'href="([^"]+)"', re.search(r'<nav class="staffnav".*?</nav>', html, re.S).group(0))
    assert len(links) == len(set(links)) and "系统管理员" in html
    assert set(links) - {"/"} == {s.url for role in ROLE_LABELS for s in screens.for_role(role)}


def test_chinese_whatever_the_browser_asks_for(login, client):
    finance = login("finance")
    admin_page = finance.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "数据管理" in admin_page and "陈静" in admin_page
    assert not re.search(r"welcome|log out|view site", admin_page, re.I)
    register = client.get("/r/?dept=NK01", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "星期" in register and not re.search(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday", register)


def test_words_for_codes_on_the_patient_search(login):
    client = login("cashier")
    client.post("/patients/", {"q": "张伟"})
    html = client.get("/patients/").content.decode()
    assert "职工基本医疗保险" in html and ">310<" not in html


def test_the_label_tables_name_every_interface_the_portal_logs():
    from apps.integrations.paylater.client import INTERFACES

    for code in [*INTERFACES.values(), *platform_router.routes(), "1101", "2201", "2202", "2207", "C2304", "3503"]:
        assert labels.label("interface", code) != code, code
    assert labels.label("insutype", "390") == "城乡居民基本医疗保险"
    assert labels.label("insutype", "999") == "999", "an unknown code shows as it is"
    assert labels.worded("AMP_HOS_002: 平台拒绝") == "平台退款: 平台拒绝"


def test_the_signing_link_comes_with_a_qr_code_drawn_in_the_page(login, sandbox):
    from apps.patients.selectors import patient_get_by_certno

    client = login("cashier")
    wang = patient_get_by_certno("220104199203150029")
    client.post("/patients/", {"q": "王芳"})
    html = client.post(f"/patients/{wang.pk}/sign-send", follow=True).content.decode()
    card = re.search(r'<section class="card" id="sign-link">.*?</section>', html, re.S).group(0)
    assert "<svg" in card and "/sandbox/paylater/sign/" in card
    assert not re.search(r'<img[^>]+src="https?://', card), "no outside QR service"


def test_the_portals_error_pages(login, client):
    cashier = login("cashier")
    not_allowed = cashier.get("/outpatient/registrations/1/cancel")
    assert not_allowed.status_code == 405 and not_allowed["Allow"] == "POST"
    assert "此地址不能直接打开" in not_allowed.content.decode() and "staffnav" in not_allowed.content.decode()
    missing = cashier.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    forbidden = login("purchasing").get("/outpatient/registrations/")
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()
    assert "系统暂时出错" in render_to_string("500.html")  # rendered without a request, as Django does


def test_a_refusal_is_logged_in_one_line_without_a_traceback(login):
    handler = logging.getLogger("django.request").handlers[0]
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        assert login("purchasing").get("/outpatient/registrations/").status_code == 403
    finally:
        handler.setStream(previous)
    assert "Forbidden" in captured.getvalue() and "Traceback" not in captured.getvalue()


def test_favicon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")


def test_the_api_docs_list_what_exists_in_chinese(client):
    schema = client.get("/api/schema/?format=json").json()
    routes = sorted(platform_router.routes())
    platform = [path.removeprefix("/api/platform/") for path in schema["paths"] if path.startswith("/api/platform/")]
    assert sorted(platform) == routes
    for code in routes:
        assert f"`{code}` {labels.label('interface', code)}" in schema["info"]["description"]
    promised = set(re.findall(r"`([a-z_0-9/]+)`", schema["info"]["description"]))
    assert promised == set(routes), "nothing promised that is not there"
    texts = [schema["info"]["description"], *(t["description"] for t in schema["tags"])]
    texts += [op["summary"] for methods in schema["paths"].values() for op in methods.values()]
    texts += [s.get("description", "") for s in schema["components"]["schemas"].values()]
    texts += [s["description"] for s in schema["components"]["securitySchemes"].values()]
    for text in texts:
        assert not re.search(r"\b[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}\b", text), f"English: {text}"
