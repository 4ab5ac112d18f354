"""apps.core.pii masking: the cases the mutation run showed untested, and the short-phone bug (issue 8, item 8)."""

from decimal import Decimal

import pytest

from apps.core import pii


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13904310015", "139****0015"),
        ("+8613904310015", "+86*******0015"),
        ("1234567", "*******"),  # was returned whole
        ("0431-8888", "*****8888"),
        ("12345678", "****5678"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_hides_at_least_four(phone, masked):
    assert pii.mask_phone(phone) == masked


def test_seven_digit_tel_is_not_logged_whole():
    assert pii.mask_payload({"tel": "1234567", "phone": "7654321"}) == {"tel": "*******", "phone": "*******"}


@pytest.mark.parametrize("key", ["user_name", "userName", "psn_name", "patientName"])
def test_every_name_key_is_masked(key):
    assert pii.mask_payload({key: "欧阳娜娜"}) == {key: "欧**"}


@pytest.mark.parametrize("key", ["cert_no", "certno", "certNo", "idNo", "mdtrt_cert_no"])
def test_every_certno_key_is_masked_as_text_or_number(key):
    assert pii.mask_payload({key: "220102198805060015"}) == {key: "220102********0015"}
    assert pii.mask_payload({key: 220102198805060015}) == {key: "220102********0015"}


def test_certno_as_a_number_anywhere_is_masked():
    masked = pii.mask_payload({"a": [220102198805060015, Decimal("220104199203150029.0"), 12, Decimal("1.50")]})
    assert masked == {"a": ["220102********0015", "220104********0029.0", 12, Decimal("1.50")]}


def test_certno_as_a_key_is_masked():
    assert pii.mask_payload({"220102198805060015": {"220104199203150029": 1}}) == {
        "220102********0015": {"220104********0029": 1}
    }


def test_numbers_and_booleans_that_are_not_certnos_are_kept():
    value = {"count": 3, "ok": True, "amount": Decimal("12.30"), "long": 12345678901234567890, "none": None}
    assert pii.mask_payload(value) == value


def test_secrets_are_masked_whole():
    assert pii.mask_payload({"brdy": "1988-05-06", "access_code": "abc"}) == {"brdy": "******", "access_code": "******"}
