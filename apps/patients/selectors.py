from apps.core import pii
from apps.core.idcard import is_valid_idcard
from apps.patients.models import Patient


def patient_get_by_certno(certno: str) -> Patient | None:
    return Patient.objects.filter(certno_hash=pii.keyed_hash(certno)).first()


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
