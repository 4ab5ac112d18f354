"""Personal data: encrypted at rest, found by keyed hash, masked on screens and in logs."""

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from apps.core import pii
from apps.core.demo import DEMO_PATIENTS
from apps.patients.models import Patient
from apps.patients.selectors import patient_get_by_certno, patient_search

ZHANG, WANG, LI = (p["certno"] for p in DEMO_PATIENTS)


@given(st.text(min_size=1, max_size=200))
def test_encryption_round_trip(plaintext):
    token = pii.encrypt(plaintext)
    assert token.startswith("v1:")
    assert pii.decrypt(token) == plaintext


def test_ciphertext_is_fresh_each_time_and_tamper_evident():
    first, second = pii.encrypt(ZHANG), pii.encrypt(ZHANG)
    assert first != second  # a random nonce: equal values do not give equal columns
    raw = bytearray(first.encode())
    raw[-2] = ord("A") if raw[-2] != ord("A") else ord("B")
    with pytest.raises(InvalidTag):
        pii.decrypt(raw.decode())
    with pytest.raises(ValueError, match="not an encrypted value"):
        pii.decrypt(ZHANG)


def test_a_different_key_cannot_read_or_match(settings):
    token, digest = pii.encrypt(ZHANG), pii.keyed_hash(ZHANG)
    settings.PII_KEY = "another-key-of-sufficient-length-0123456789"
    with pytest.raises(InvalidTag):
        pii.decrypt(token)
    assert pii.keyed_hash(ZHANG) != digest


def test_keyed_hash_is_canonical_and_not_a_plain_digest():
    import hashlib

    assert pii.keyed_hash(" 11010519491231002x ") == pii.keyed_hash("11010519491231002X")
    assert pii.keyed_hash(ZHANG) != pii.keyed_hash(WANG)
    assert pii.keyed_hash(ZHANG) != hashlib.sha256(ZHANG.encode()).hexdigest()


def test_mask_payload_masks_nested_keys_and_free_text():
    payload = {
        "infno": "2207",
        "input": {
            "data": {"psn_name": "欧阳娜娜", "mdtrt_cert_no": ZHANG, "tel": "13904310015", "medfee_sumamt": "50.00"},
            "feedetail": [{"certno": WANG, "userName": "王芳"}, {"note": f"身份证 {LI} 已核验"}],
        },
        "phone": "13904310029",
    }
    masked = pii.mask_payload(payload)
    assert masked["input"]["data"] == {
        "psn_name": "欧**",
        "mdtrt_cert_no": "220102********0015",
        "tel": "139****0015",
        "medfee_sumamt": "50.00",
    }
    assert masked["input"]["feedetail"][0] == {"certno": "220104********0029", "userName": "王*"}
    assert masked["input"]["feedetail"][1]["note"] == "身份证 220203********0031 已核验"
    assert masked["phone"] == "139****0029"
    assert masked["infno"] == "2207"
    assert payload["input"]["data"]["mdtrt_cert_no"] == ZHANG  # a copy: the original is untouched
    flat = repr(masked)
    for person in DEMO_PATIENTS:
        assert person["certno"] not in flat and person["phone"] not in flat


def test_free_text_masks_id_numbers_standing_alone_but_not_inside_order_numbers():
    assert pii.mask_text(f"/r/?certNo={ZHANG}&x=1") == "/r/?certNo=220102********0015&x=1"
    assert pii.mask_text(f"患者{WANG}未签约") == "患者220104********0029未签约"
    for number in ("RFREG202611261513337230A6A8659D01", f"REG{ZHANG}", f"{ZHANG}01A", "H22010200001202611261459310001"):
        assert pii.mask_text(number) == number


def test_the_birth_date_and_the_access_code_are_not_kept():
    # The birth date is exactly the part of the ID number the mask hides: kept beside it, it would undo the mask.
    masked = pii.mask_payload({"cert_no": ZHANG, "brdy": "1988-05-06", "access_code": "a1b2c3", "age": "38"})
    assert masked == {"cert_no": "220102********0015", "brdy": "******", "access_code": "******", "age": "38"}


def test_masks_for_names_and_phones():
    assert pii.mask_name("张伟") == "张*"
    assert pii.mask_name("") == ""
    assert pii.mask_phone("13904310015") == "139****0015"
    assert pii.mask_phone("12345") == "*****"


@pytest.mark.django_db
def test_database_columns_never_hold_the_plaintext(demo):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT certno, certno_hash, phone, phone_hash FROM {Patient._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == len(DEMO_PATIENTS)
    stored = repr(rows)
    for person in DEMO_PATIENTS:
        assert person["certno"] not in stored
        assert person["phone"] not in stored
        assert person["certno"][-8:] not in stored  # not even a recognisable fragment
    for certno, certno_hash, phone, phone_hash in rows:
        assert certno.startswith("v1:") and phone.startswith("v1:")
        assert pii.decrypt(certno) in {p["certno"] for p in DEMO_PATIENTS}
        assert certno_hash == pii.keyed_hash(pii.decrypt(certno))
        assert phone_hash == pii.keyed_hash(pii.decrypt(phone))


@pytest.mark.django_db
def test_history_does_not_copy_the_plaintext(demo):
    patient = patient_get_by_certno(ZHANG)
    patient.insutype = "390"
    patient.save()
    table = Patient.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        rows = cursor.fetchall()
    assert rows
    assert ZHANG not in repr(rows) and "13904310015" not in repr(rows)


@pytest.mark.django_db
def test_look_up_by_keyed_hash(demo):
    patient = patient_get_by_certno(ZHANG)
    assert patient.name == "张伟" and patient.certno == ZHANG and patient.is_signed
    assert patient_get_by_certno(ZHANG.lower()) == patient
    assert patient_get_by_certno("110105194912310021") is None
    assert Patient.objects.filter(phone_hash=pii.keyed_hash("13904310029")).get().name == "王芳"


@pytest.mark.django_db
def test_patient_search_by_name_and_full_idcard(demo):
    assert [p.name for p in patient_search("张伟")] == ["张伟"]
    assert [p.name for p in patient_search("王")] == ["王芳"]
    assert [p.name for p in patient_search(f" {LI} ")] == ["李娜"]
    # Part of a number is not a search key: nothing about 身份证号 can be found by prefix.
    assert list(patient_search(LI[:10])) == []
    assert list(patient_search("")) == []
    assert list(patient_search("赵六")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["张", ZHANG, LI])
def test_search_page_shows_masked_values_only(login, query):
    client = login("cashier")
    assert 'method="post"' in client.get("/patients/").content.decode()  # a 身份证号 stays out of URLs
    response = client.post("/patients/", {"q": query}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    shown = [p for p in DEMO_PATIENTS if p["name"].startswith(query) or p["certno"] == query]
    assert shown
    for person in shown:
        assert pii.mask_idcard(person["certno"]) in html
        assert pii.mask_name(person["name"]) in html
    for person in DEMO_PATIENTS:
        assert person["certno"] not in html
        assert person["phone"] not in html
        assert f">{person['name']}<" not in html


@pytest.mark.django_db
def test_a_searched_idcard_is_not_kept_in_clear_in_the_session(login):
    from django.contrib.sessions.models import Session

    login("cashier").post("/patients/", {"q": ZHANG})
    for session in Session.objects.all():
        assert ZHANG not in session.session_data
        assert ZHANG not in repr(session.get_decoded())


def test_a_long_name_is_masked_with_two_stars_whatever_its_length():
    assert pii.mask_name("欧阳娜娜") == "欧**"
    assert pii.mask_name("阿卜杜热合曼·买买提") == "阿**"
