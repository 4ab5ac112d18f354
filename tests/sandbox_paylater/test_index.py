"""The sandbox index: what it lists (masked) and its fault form, whose faults the APIs then obey."""

import pytest
import requests
from django.conf import settings

from apps.sandbox.models import Fault
from tests.sandbox_paylater.conftest import ZHANG, as_json, form_token

pytestmark = pytest.mark.django_db(transaction=True)


def index_form(sandbox):
    browser = requests.Session()
    page = browser.get(f"{sandbox.url}/sandbox/paylater/", timeout=10)
    assert page.status_code == 200 and "故障注入" in page.text
    return browser, form_token(page.text)


def test_a_fault_set_on_the_index_hits_the_named_api_once(call, sandbox):
    browser, token = index_form(sandbox)
    answer = browser.post(
        f"{sandbox.url}/sandbox/paylater/faults/",
        data={"csrfmiddlewaretoken": token, "interface": "sign_status", "mode": "error_500", "remaining": "1"},
        timeout=10,
    )
    assert answer.status_code == 200 and "已设置故障" in answer.text
    payload = {"org_code": settings.ORG_CODE, **ZHANG}
    assert call("sign_status", payload).status_code == 500
    assert as_json(call("sign_status", payload))["code"] == "000000"
    assert not Fault.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {"interface": "nope", "mode": "error_500"},
        {"interface": "refund", "mode": "explode"},
        {"interface": "refund", "mode": "slow", "remaining": "0"},
        {"interface": "org_003", "mode": "timeout"},
    ],
)
def test_bad_fault_forms_are_refused(sandbox, form):
    browser, token = index_form(sandbox)
    answer = browser.post(f"{sandbox.url}/sandbox/paylater/faults/", data={"csrfmiddlewaretoken": token} | form)
    assert answer.status_code == 200 and "已设置故障" not in answer.text
    assert not Fault.objects.exists()


def test_index_masks_identities(call, sandbox):
    call("push_msg", {
        "orgCode": settings.ORG_CODE, "patientName": ZHANG["user_name"], "idType": "01", "idNo": ZHANG["cert_no"],
        "medOrgOrd": "MSG-1", "pushType": "HOSPITAL_APPOINTMENT", "deptName": "内科",
    })  # fmt: skip
    page = requests.get(f"{sandbox.url}/sandbox/paylater/", timeout=10).text
    assert "MSG-1" in page and "张*" in page
    assert ZHANG["cert_no"] not in page and "张伟" not in page
