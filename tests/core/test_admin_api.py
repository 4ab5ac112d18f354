"""Django admin in Chinese; the OpenAPI schema and Swagger UI, served from our own static files."""

import json
import re

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_admin_lists_every_registered_model_with_a_chinese_name(login):
    client = login("admin")
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "先医后付医院门户 管理后台" in html
    assert admin.site._registry
    for model in admin.site._registry:
        name = str(model._meta.verbose_name_plural)
        assert CJK.search(name), f"{model._meta.label} has no Chinese name: {name!r}"
        assert name in html, model._meta.label
        app_name = str(model._meta.app_config.verbose_name)
        assert CJK.search(app_name), f"{model._meta.app_label} has no Chinese app name: {app_name!r}"


def test_admin_login_for_the_demo_superuser(client, demo):
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "demo-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_openapi_schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "先医后付医院门户 API"
    assert isinstance(schema["paths"], dict)


def test_swagger_ui_uses_only_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any("swagger-ui" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"asset not served by the portal: {asset}"
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), f"missing static file: {asset}"
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)[\w.-]+", html), "a CDN host is referenced"


def test_admin_finds_a_patient_by_full_idcard_number(client, demo):
    from apps.core.demo import DEMO_PASSWORD

    assert client.login(username="admin", password=DEMO_PASSWORD)
    page = client.get("/admin/patients/patient/", {"q": "220104199203150029"}).content.decode()
    assert "220104********0029" in page and "220102********0015" not in page
