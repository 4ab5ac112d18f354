"""The simulated gateway's page and its fault form."""

import pytest

from apps.sandbox.models import Fault
from apps.sandbox.nhsa import engine
from apps.sandbox.people import ensure_demo_people, person_by_certno


@pytest.mark.django_db
def test_page_lists_settlements_with_masked_names(client):
    ensure_demo_people()
    person = person_by_certno("220102198805060015")
    mdtrt_id = engine.register_visit(
        person=person, dept_code="NK", dept_name="内科", atddr_no="D1", dr_name="李医生", begntime="2026-04-01 09:00:00"
    )
    setlinfo = engine.settle_outpatient(
        person=person, mdtrt_id=mdtrt_id, medfee_sumamt=engine.Decimal("50.00"), paylater=True, msgid="P" * 30
    )
    assert setlinfo["medfee_sumamt"] == "50.00" and setlinfo["medins_setl_id"] == "P" * 30
    with pytest.raises(engine.Refusal, match="已使用"):
        engine.settle_outpatient(
            person=person, mdtrt_id=mdtrt_id, medfee_sumamt=engine.Decimal("50.00"), paylater=True, msgid="P" * 30
        )
    page = client.get("/sandbox/nhsa/")
    text = page.content.decode()
    assert page.status_code == 200 and "医保信息平台" in text
    assert setlinfo["setl_id"] in text and "张*" in text and "张伟" not in text


@pytest.mark.django_db
def test_fault_form(client):
    response = client.post("/sandbox/nhsa/faults/", {"interface": "2207", "mode": "timeout", "remaining": "2"})
    assert response.status_code == 302
    fault = Fault.objects.get()
    assert (fault.party, fault.interface, fault.mode, fault.remaining) == ("nhsa", "2207", "timeout", 2)
    client.post("/sandbox/nhsa/faults/", {"interface": "9999", "mode": "timeout"})
    client.post("/sandbox/nhsa/faults/", {"interface": "2207", "mode": "html", "remaining": "-1"})
    assert Fault.objects.count() == 1
    client.post("/sandbox/nhsa/faults/", {"clear": "1"})
    assert not Fault.objects.exists()
