"""The national SM2/SM4 envelope (PAYLATER_CODEC=sm): the platform opens the portal's envelope and answers in
one signed with its own key. Envelopes are built here with apps.core.smcrypto and the portal's demo key."""

import json
import time

import pytest
import requests
from django.conf import settings

from apps.core import smcrypto
from tests.sandbox_paylater.conftest import ZHANG

pytestmark = pytest.mark.django_db(transaction=True)


def envelope(data: dict, *, private_key: str | None = None) -> dict:
    return smcrypto.sm_seal(
        data,
        app_id=settings.PAYLATER_APP_ID,
        app_secret=settings.PAYLATER_APP_SECRET,
        private_key=private_key or settings.PAYLATER_SM2_PRIVATE_KEY,
        timestamp=str(int(time.time() * 1000)),
        version="2.0.1",
    )


@pytest.fixture
def sm_post(sandbox, settings):
    settings.PAYLATER_CODEC = "sm"

    def post(sealed: dict) -> requests.Response:
        url = settings.PAYLATER_BASE_URL + settings.PAYLATER_PATHS["sign_status"]
        return requests.post(url, data=json.dumps(sealed).encode(), timeout=10)

    return post


def test_sm_envelope_round_trip(sm_post):
    response = sm_post(envelope({"org_code": settings.ORG_CODE, **ZHANG}))
    assert response.status_code == 200
    reply = response.json()
    assert reply["success"] is True and str(reply["code"]) == "0" and reply["encType"] == "SM4"
    data = smcrypto.sm_open(
        reply, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.PAYLATER_SM2_PLATFORM_PUBLIC_KEY
    )
    assert data == {"code": "000000", "msg": "成功", "data": {"signStatus": 1}}


def test_sm_envelope_signed_by_someone_else_is_refused(sm_post):
    stranger, _ = smcrypto.sm2_generate_keypair()
    response = sm_post(envelope({"org_code": settings.ORG_CODE, **ZHANG}, private_key=stranger))
    assert response.status_code == 401 and "signData" in response.json()["msg"]


def test_sm_envelope_replayed_is_refused(sm_post):
    sealed = envelope({"org_code": settings.ORG_CODE, **ZHANG})
    assert sm_post(sealed).status_code == 200
    assert sm_post(sealed).status_code == 401
