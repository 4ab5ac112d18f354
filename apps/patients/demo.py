"""The demo patients as the README describes them (name, 身份证号, phone, scheme, signing state). What only the
gateway knows (psn_no, 参保地区划) comes from its 1101 answer at each visit, as for anyone."""

from apps.core.demo import DEMO_PATIENTS
from apps.patients.models import Patient, SignStatus
from apps.patients.selectors import patient_get_by_certno
from apps.patients.services import patient_save


def demo_patients() -> int:
    created = 0
    for p in DEMO_PATIENTS:
        if patient_get_by_certno(p["certno"]):
            continue
        sign_status = SignStatus.SIGNED if p["signed"] else SignStatus.UNSIGNED
        patient_save(
            Patient(
                name=p["name"], certno=p["certno"], phone=p["phone"], insutype=p["insutype"], sign_status=sign_status
            )
        )
        created += 1
    return created
