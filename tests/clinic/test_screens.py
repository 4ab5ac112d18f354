"""The doctor's screens: today's queue of his own sessions, the visit page and its form, the live status part."""

import pytest

from apps.clinic.models import Mode, Prescription, SettlementRule
from apps.ledger.models import Bill

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {
    "diag_code": "J06.900",
    "item": ["XY-0001", "JY-0001", "", "", "", ""],
    "cnt": ["2", "1", "1", "1", "1", "1"],
    "usage": ["口服，一日3次，一次2粒", "", "", "", "", ""],
}


def test_queue_visit_form_and_status(visit_for, login):
    wang = visit_for("王芳", "220104199203150029", signed=False)
    zhang = visit_for()
    SettlementRule.objects.create(patient=zhang.patient, mode=Mode.CONFIRM)
    client = login("doctor")

    queue = client.get("/clinic/").content.decode()
    assert queue.index("王*") < queue.index("张*")  # queue order: 王芳 booked first
    assert "未签约" in queue and "已签约" in queue and queue.count("接诊") == 2

    page = client.get(f"/clinic/visit/online/{zhang.pk}/").content.decode()
    assert "急性上呼吸道感染" in page and "阿莫西林胶囊" in page and "患者确认支付" in page

    response = client.post(f"/clinic/visit/online/{zhang.pk}/", FORM)
    assert response.status_code == 302
    again = client.post(f"/clinic/visit/online/{zhang.pk}/", FORM, follow=True).content.decode()
    assert "已开过处方" in again and Prescription.objects.count() == 1
    assert "待患者确认" in again and "¥45.00" in again

    status = client.get(f"/clinic/visit/online/{zhang.pk}/status").content.decode()
    assert 'data-state="confirm"' in status and "支付单" in status

    bad = dict(FORM, usage=["", "", "", "", "", ""])
    page = client.post(f"/clinic/visit/online/{wang.pk}/", bad, follow=True).content.decode()
    assert "请填写“阿莫西林胶囊”的用法用量" in page and Bill.objects.filter(kind="prescription").count() == 1

    withdrawn = client.post(f"/clinic/visit/online/{zhang.pk}/withdraw", follow=True).content.decode()
    assert "账单已撤回" in withdrawn and "已撤回" in withdrawn
    assert "已撤回" in client.get("/clinic/").content.decode()


def test_only_the_doctors_own_patients(visit_for, login, doctor):
    from django.contrib.auth import get_user_model

    from apps.outpatient.models import Doctor

    visit = visit_for()
    other = get_user_model().objects.create_user("qian", password="x-pass-2026-long")
    other.groups.add(*get_user_model().objects.get(username="doctor").groups.all())
    Doctor.objects.filter(code="D1002").update(user=other)
    client = login("doctor")
    client.logout()
    assert client.login(username="qian", password="x-pass-2026-long")
    assert client.get(f"/clinic/visit/online/{visit.pk}/").status_code == 404
    assert "今天暂无候诊患者" in client.get("/clinic/").content.decode()
    assert login("cashier").get("/clinic/").status_code == 403
