"""Issue 8, item 5: personal data masked in the admin for every role, revealed only with a permission, each
reveal in the audit log; the audit log itself (apps.audit), read-only, viewable by finance."""

import pytest
from django.contrib.auth.models import Permission, User

from apps.audit.models import Action, AuditEntry
from apps.audit.services import audit_record
from apps.core.demo import DEMO_PATIENTS
from apps.patients.models import Patient

pytestmark = pytest.mark.django_db

ZHANG = DEMO_PATIENTS[0]


def zhang():
    return Patient.objects.get(name=ZHANG["name"])


def assert_masked(html: str):
    assert ZHANG["certno"] not in html and ZHANG["phone"] not in html and ZHANG["name"] not in html
    assert "220102********0015" in html


@pytest.mark.parametrize("role", ["finance", "admin"])  # the roles with the admin (is_staff)
def test_patient_pages_are_masked_for_every_role(login, role):
    client = login(role)
    pk = zhang().pk
    listing = client.get("/admin/patients/patient/")
    change = client.get(f"/admin/patients/patient/{pk}/change/")
    history = client.get(f"/admin/patients/patient/{pk}/history/")
    for response in (listing, change, history):
        assert response.status_code == 200
        assert_masked(response.content.decode())
    assert "139****0015" in change.content.decode()


def test_a_new_patient_is_still_typed_in_full(login):
    client = login("admin")
    form = client.get("/admin/patients/patient/add/").content.decode()
    assert 'name="certno"' in form and 'name="name"' in form


def test_changing_a_patient_keeps_the_personal_data(login):
    client = login("admin")
    patient = zhang()
    response = client.post(
        f"/admin/patients/patient/{patient.pk}/change/",
        {"mdtrt_cert_type": "02", "sscard_no": "SS1", "sign_status": patient.sign_status},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.sscard_no, patient.certno, patient.name) == ("SS1", ZHANG["certno"], ZHANG["name"])


def test_reveal_needs_the_permission(login):
    client = login("finance")
    assert client.post(f"/admin/patients/patient/{zhang().pk}/reveal/").status_code == 403
    assert not AuditEntry.objects.exists()


def test_reveal_with_the_permission_is_audited(login):
    client = login("finance")
    user = User.objects.get(username="finance")
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    url = f"/admin/patients/patient/{zhang().pk}/reveal/"

    confirm = client.get(url)
    assert confirm.status_code == 200 and ZHANG["certno"] not in confirm.content.decode()
    assert not AuditEntry.objects.exists(), "looking at the confirmation reveals nothing and records nothing"

    shown = client.post(url).content.decode()
    assert ZHANG["certno"] in shown and ZHANG["phone"] in shown and ZHANG["name"] in shown
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username, entry.action) == (user, "finance", Action.REVEAL)
    assert entry.business == zhang()
    assert ZHANG["certno"] not in entry.target_repr and entry.at


def test_finance_reads_the_audit_log_and_nobody_edits_it(login, client):
    audit_record(user=None, action=Action.REFUND, detail="x")
    finance = login("finance")
    assert finance.get("/admin/audit/auditentry/").status_code == 200
    entry = AuditEntry.objects.get()
    assert finance.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert finance.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert finance.get("/admin/audit/auditentry/add/").status_code == 403
    client.logout()
    User.objects.filter(username="cashier").update(is_staff=True)  # staff, but not finance
    assert login("cashier").get("/admin/audit/auditentry/").status_code == 403


def test_audit_record_names_who_what_and_which(demo):
    user = User.objects.get(username="cashier")
    patient = zhang()
    entry = audit_record(user=user, action=Action.REFUND, obj=patient, detail=f"退费 25.00，患者 {ZHANG['certno']}")
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.action) == (user, "cashier", "refund")
    assert entry.business == patient
    assert entry.target_repr == str(patient) and entry.detail == "退费 25.00，患者 220102********0015"
    user.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.username == "cashier"


def test_audit_record_without_a_user_or_object(db):
    entry = audit_record(user=None, action=Action.MONEY)
    assert (entry.user, entry.username, entry.business_type, entry.business_id) == (None, "", None, None)
