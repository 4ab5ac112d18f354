"""The signing page, in a browser-like session over real HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from apps.sandbox.paylater.models import SignLink
from apps.sandbox.people import person_by_certno
from tests.sandbox_paylater.conftest import WANG, as_json, form_token

pytestmark = pytest.mark.django_db(transaction=True)
BACK = "http://127.0.0.1:9/portal/sign/back?ref=7"


def sign_url(call) -> str:
    reply = as_json(call("sign_status", {"org_code": settings.ORG_CODE, **WANG}))
    return reply["data"]["signUrl"]


def test_agree_records_the_signature_and_returns_to_back_url(call):
    browser = requests.Session()
    page = browser.get(sign_url(call) + "&backUrl=" + requests.utils.quote(BACK, safe=""), timeout=10)
    assert page.status_code == 200
    assert "王*" in page.text and "220104*********0029"[:6] in page.text
    assert WANG["cert_no"] not in page.text and "王芳" not in page.text  # masked
    token = parse_qs(urlsplit(page.url).query)["querySign"][0]
    answer = browser.post(
        page.url.split("?")[0],
        data={"csrfmiddlewaretoken": form_token(page.text), "querySign": token, "backUrl": BACK, "decision": "agree"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302 and answer.headers["Location"] == BACK
    assert person_by_certno(WANG["cert_no"]).signed is True
    assert SignLink.objects.get(token=token).signed_at is not None
    assert as_json(call("sign_status", {"org_code": settings.ORG_CODE, **WANG}))["data"]["signStatus"] == 1


def test_decline_returns_without_signing(call):
    browser = requests.Session()
    page = browser.get(sign_url(call), timeout=10)
    token = parse_qs(urlsplit(page.url).query)["querySign"][0]
    answer = browser.post(
        page.url.split("?")[0],
        data={"csrfmiddlewaretoken": form_token(page.text), "querySign": token, "backUrl": BACK, "decision": "decline"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302 and answer.headers["Location"] == BACK
    assert person_by_certno(WANG["cert_no"]).signed is False


@pytest.mark.parametrize("back", ["javascript:alert(1)", "//evil.example/x", "ftp://host/x"])
def test_back_url_must_be_http(call, back):
    page = requests.get(sign_url(call), params={"backUrl": back}, timeout=10)
    assert page.status_code == 400 and "backUrl" in page.text


def test_unknown_token_is_refused(sandbox):
    page = requests.get(f"{sandbox.url}/sandbox/paylater/sign/", params={"querySign": "nope"}, timeout=10)
    assert page.status_code == 400 and "querySign" in page.text
