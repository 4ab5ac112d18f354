"""Defects 1 and 2 of the screens issue: a name becomes a patient's only once the gateway (1101) confirms it, each
visit reads 1101 once, and a patient who declines to sign is told so, with a way out, instead of looping."""

import pytest

from apps.core.errors import ApplicationError
from apps.integrations.models import Exchange
from apps.outpatient.models import OrderState, RegistrationOrder, Schedule
from apps.outpatient.services import order_create
from apps.patients.models import Patient
from apps.patients.selectors import patient_get_by_certno

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN = "110101199003070011"  # valid check digit, no one the gateway knows yet


def open_schedules():
    return Schedule.objects.open_for_booking().order_by("date", "period", "id")


def test_an_unknown_id_number_with_a_made_up_name_creates_nothing(demo, sandbox):
    with pytest.raises(ApplicationError, match="未查到"):
        order_create(name="<img src=x onerror=alert(2)>", certno=UNKNOWN, schedule_id=open_schedules()[0].pk)
    assert patient_get_by_certno(UNKNOWN) is None and not RegistrationOrder.objects.exists()
    assert Exchange.objects.filter(interface="1101").count() == 1, "the gateway was asked"


def test_a_new_patient_takes_the_name_and_insurance_the_gateway_confirms(demo, sandbox):
    order = order_create(name="赵敏", certno=UNKNOWN, schedule_id=open_schedules()[0].pk)
    patient = Patient.objects.get(pk=order.patient_id)
    assert (patient.name, patient.insutype) == ("赵敏", "390") and patient.psn_no and patient.insuplc_admdvs


def test_demo_patients_carry_only_what_the_readme_says(demo):
    zhang = patient_get_by_certno("220102198805060015")
    assert (zhang.name, zhang.insutype, zhang.is_signed) == ("张伟", "310", True)
    assert zhang.psn_no == "" and zhang.insuplc_admdvs == "", "only the gateway's 1101 answer supplies these"


def test_every_visit_reads_1101_once_and_takes_its_answer(demo, sandbox):
    from apps.sandbox.models import Person

    first = order_create(name="张伟", certno="220102198805060015", schedule_id=open_schedules()[0].pk)
    assert Patient.objects.get(pk=first.patient_id).insuplc_admdvs == "220102"
    Person.objects.filter(psn_no=Patient.objects.get(pk=first.patient_id).psn_no).update(insuplc_admdvs="220104")
    second = order_create(name="张伟", certno="220102198805060015", schedule_id=open_schedules()[1].pk)
    assert Exchange.objects.filter(interface="1101").count() == 2
    from apps.outpatient.selectors import order_trail

    for order in (first, second):
        assert [e.interface for e in order_trail(order=order)].count("1101") == 1, "in the order's own trail"
    assert Patient.objects.get(pk=second.patient_id).insuplc_admdvs == "220104", "moved: the new 参保地 is used"


def test_declining_to_sign_returns_to_the_order_with_the_reason_and_a_way_out(client, demo, sandbox):
    order = order_create(name="王芳", certno="220104199203150029", schedule_id=open_schedules()[0].pk)
    going = client.post(f"/r/{order.token}/go")
    assert "/sandbox/paylater/sign/" in going["Location"]
    back = client.get(f"/r/{order.token}/signed")  # she pressed 暂不签约 on the platform's page
    assert back.status_code == 302 and back["Location"] == f"/r/{order.token}/"
    page = client.get(back["Location"]).content.decode()
    assert "您尚未签约先医后付" in page and "取消挂号" in page and "去签约先医后付" in page
    page = client.post(f"/r/{order.token}/cancel", follow=True).content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and "已取消" in page
    order.schedule.refresh_from_db()
    assert order.schedule.booked == 0, "her place is given back"
