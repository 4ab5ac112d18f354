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
