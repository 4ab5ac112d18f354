"""The guide's own reply samples (apps/integrations/paylater/fixtures) through the adapter's real decoders."""

from pathlib import Path

import pytest

from apps.integrations import paylater

pytestmark = pytest.mark.django_db

FIXTURES = Path(paylater.__file__).parent / "fixtures"
ZHANG = {"user_name": "张伟", "cert_no": "220102198805060015"}


def serve(platform, name, fixture):
    platform.answer(name, (FIXTURES / fixture).read_bytes())


def test_appendix_1_success(platform):
    serve(platform, "cashier_link", "cashier_link_success.json")
    assert paylater.cashier_link(**ZHANG, trace_no="T1") == "https://paft-dev.yl-dt.com?source=h5-wx&queryStr=xxxxxxxx"


def test_appendix_1_not_signed(platform):
    serve(platform, "cashier_link", "cashier_link_not_signed.json")
    with pytest.raises(paylater.NotSigned) as caught:
        paylater.cashier_link(**ZHANG, trace_no="T1")
    assert caught.value.code == "000100" and caught.value.upstream_message == "用户未签约"


def test_appendix_4(platform):
    serve(platform, "pay_info", "pay_info.json")
    assert paylater.pay_info(access_code="xxxxx") == paylater.PayInfo(
        pay_result=1,
        org_trace_no="06f3b9aaeb644f769b1969998754c8d9",
        mdtrt_id="220000202310080930230100037954",
        psn_no="22000000000000499443",
        cert_no="35020519870808105X",
    )


def test_appendix_5(platform):
    serve(platform, "sign_status", "sign_status.json")
    assert paylater.sign_status(**ZHANG) == paylater.SignStatusResult(
        signed=False, sign_url="https://paft-dev.yl-dt.com?source=h5-wx&querySign=xxxxxxxx"
    )
