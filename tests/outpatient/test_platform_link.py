"""The registration link the platform opens in its app: a signed identity fills the form and cannot be changed;
a tampered or expired link falls back to the ordinary form with a message."""

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from apps.outpatient.models import RegistrationOrder, Schedule
from apps.outpatient.platform_link import link_build

pytestmark = pytest.mark.django_db


def link(**kwargs) -> str:
    url = link_build(nonce=secrets.token_hex(8), **({"psn_name": "王芳", "cert_no": "220104199203150029"} | kwargs))
    return url[url.index("/r/platform") :]


def tampered(url: str, **changes) -> str:
    path, query = url.split("?")
    return path + "?" + urlencode(dict(parse_qsl(query)) | changes)


def test_a_signed_link_fills_and_locks_the_identity(client, demo, sandbox):
    response = client.get(link())
    assert response.status_code == 302 and response["Location"] == "/r/"
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get("/r/?dept=NK01", follow=True).content.decode()
    assert "由先医后付平台带入" in page and 'value="王芳"' in page and "readonly" in page

    schedule = Schedule.objects.open_for_booking().filter(doctor__department__code="NK01").first()
    client.post("/r/", {"dept": "NK01", "schedule": schedule.pk, "name": "张伟", "certno": "220102198805060015"})
    order = RegistrationOrder.objects.get()
    assert (order.patient.name, order.patient.certno) == ("王芳", "220104199203150029"), "the posted values are ignored"


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: tampered(link(), sign="0" * 64), "签名不正确"),
        (
            lambda: tampered(
                link(), identity=urlsplit(link(psn_name="李娜")).query.split("identity=")[1].split("&")[0]
            ),
            "签名不正确",
        ),
        (lambda: link(ttl_seconds=-1), "已过期"),
        (lambda: link(ttl_seconds=3 * 24 * 3600), "时间不正确"),
        (lambda: tampered(link(), app_id="someone-else"), "不是先医后付平台"),
        (lambda: "/r/platform?app_id=x", "不完整"),
        (lambda: link(cert_no="220104199203150028"), "身份信息无法识别"),
    ],
)
def test_a_bad_link_falls_back_to_the_ordinary_form(client, demo, make, reason):
    client.get(link())  # an earlier good link's identity must not survive a bad one
    page = client.get(make(), follow=True).content.decode()
    assert reason in page and "请自行填写" in page
    assert "readonly" not in client.get("/r/?dept=NK01").content.decode()
