"""The demo patients of CONTRACT.md section 3 (apps.core.demo lists them for both sides of the sandbox)."""

from apps.core.demo import DEMO_PATIENTS
from apps.patients.models import SignStatus
from apps.patients.selectors import patient_get_by_certno
from apps.patients.services import patient_get_or_create


def demo_patients() -> int:
    created = 0
    for p in DEMO_PATIENTS:
        if patient_get_by_certno(p["certno"]):
            continue
        patient_get_or_create(
            name=p["name"],
            certno=p["certno"],
            phone=p["phone"],
            psn_no=p["psn_no"],
            insutype=p["insutype"],
            insuplc_admdvs=p["insuplc_admdvs"],
            sign_status=SignStatus.SIGNED if p["signed"] else SignStatus.UNSIGNED,
        )
        created += 1
    return created
