"""Reading a medium (01 医保码, 02 身份证, 03 社保卡) with 1101 against the sandbox gateway, over HTTP."""

import pytest

from apps.core import pii
from apps.core.errors import ApplicationError
from apps.integrations.models import Exchange
from apps.patients.models import Patient
from apps.patients.services import patient_read_medium
from apps.sandbox.models import Person
from apps.sandbox.people import card_no, card_sn, ec_token, ensure_demo_people

ZHANG = "220102198805060015"
pytestmark = pytest.mark.django_db(transaction=True)


def zhang() -> Person:
    ensure_demo_people()
    return Person.objects.get(certno_hash=pii.keyed_hash(ZHANG))


@pytest.mark.parametrize("medium", ["01", "02", "03"])
def test_each_medium_reads_the_same_patient_with_schemes_and_balance(demo, sandbox, medium):
    person = zhang()
    number = {"01": ec_token(person), "02": ZHANG, "03": card_no(person)}[medium]
    reading = patient_read_medium(
        mdtrt_cert_type=medium, mdtrt_cert_no=number, card_sn=card_sn(person) if medium == "03" else ""
    )
    assert reading.patient.certno == ZHANG and reading.patient.name == "张伟"
    assert reading.patient.psn_no == person.psn_no and reading.patient.insutype == "310"
    assert str(reading.person.insurance("310").balc) == "800.00"
    assert Patient.objects.filter(certno_hash=reading.patient.certno_hash).count() == 1
    sent = Exchange.objects.get(pk=reading.exchange_id)
    assert sent.interface == "1101"


@pytest.mark.parametrize(
    "medium, number, serial, field",
    [
        ("04", ZHANG, "", "mdtrt_cert_type"),
        ("02", "", "", "mdtrt_cert_no"),
        ("02", "220102198805060016", "", "mdtrt_cert_no"),
        ("03", "J0000000", "", "card_sn"),
        ("03", "J0000000", "X" * 33, "card_sn"),
    ],
)
def test_a_bad_medium_is_refused_naming_the_field_before_any_call(demo, sandbox, medium, number, serial, field):
    with pytest.raises(ApplicationError) as refused:
        patient_read_medium(mdtrt_cert_type=medium, mdtrt_cert_no=number, card_sn=serial)
    assert refused.value.extra["field"] == field
    assert not Exchange.objects.filter(interface="1101").exists()


def test_a_stale_qr_code_or_a_wrong_card_serial_is_refused_by_the_gateway_and_changes_nothing(demo, sandbox):
    import datetime

    person = zhang()
    patients = Patient.objects.count()
    yesterday = ec_token(person, datetime.date.today() - datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="医保码"):
        patient_read_medium(mdtrt_cert_type="01", mdtrt_cert_no=yesterday)
    with pytest.raises(ApplicationError, match="社保卡"):
        patient_read_medium(mdtrt_cert_type="03", mdtrt_cert_no=card_no(person), card_sn="0" * 32)
    assert Patient.objects.count() == patients
