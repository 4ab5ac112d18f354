from django.utils import timezone

from apps.core import pii
from apps.core.idcard import birth_date, gender_code, is_valid_idcard
from apps.patients.models import Patient
from apps.patients.registry import account_fields


def patient_get_by_certno(certno: str) -> Patient | None:
    # get(), not first(): the hash is unique, and every platform call asks this, so no ORDER BY to build.
    try:
        return Patient.objects.get(certno_hash=pii.keyed_hash(certno))
    except Patient.DoesNotExist:
        return None


def patient_search(query: str, *, limit: int = 50):
    """A full 身份证号 finds by keyed hash; anything else is matched against the name."""
    query = (query or "").strip()
    if not query:
        return Patient.objects.none()
    if is_valid_idcard(query):
        return Patient.objects.filter(certno_hash=pii.keyed_hash(query))
    return Patient.objects.filter(name__contains=query)[:limit]


def patient_get_by_medium(*, mdtrt_cert_type: str, mdtrt_cert_no: str) -> Patient | None:
    """The patient identified by a medium of INTERFACES.md 3.3: 01 医保码, 02 身份证, 03 社保卡."""
    if mdtrt_cert_type == "02":
        return patient_get_by_certno(mdtrt_cert_no)
    if mdtrt_cert_type == "03":
        return Patient.objects.filter(sscard_no=mdtrt_cert_no).first()
    if mdtrt_cert_type == "01":
        return Patient.objects.filter(ec_code=mdtrt_cert_no).first()
    return None


def patient_account(*, patient: Patient) -> dict:
    """org_001's reply fields: the patient as the hospital knows them, plus what other apps contribute."""
    born = birth_date(patient.certno)
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    his_cust_id = f"P{patient.pk:010d}"
    return {
        "psn_no": patient.psn_no,
        "patient_type": "01" if patient.insutype else "00",
        "his_cust_id": his_cust_id,
        "his_cust_list": [{"his_cust_type": patient.mdtrt_cert_type, "his_cust_id": his_cust_id}],
        "balance": "0.00",
        "psn_cert_type": "01",
        "cert_no": patient.certno,
        "psn_name": patient.name,
        "gend": gender_code(patient.certno),
        "phone": patient.phone,
        "brdy": born.isoformat(),
        "naty": "",
        "age": str(age),
        "insu_type": patient.insutype,
        "mdtrt_cert_type": patient.mdtrt_cert_type,
        "mdtrt_cert_no": patient.certno,
    } | account_fields.collect(patient)
