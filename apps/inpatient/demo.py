"""李娜 (CONTRACT.md section 3) is in hospital: admitted three days ago to 内科一病区, bed 12, with a bed, nursing,
drugs and exams for each day. demo_data runs without the gateway, so the stay is registered (2401) and its charges
uploaded (2301) the first time a cashier acts on it, as for any stay recorded before its registration."""

import datetime

from django.utils import timezone

from apps.core.demo import DEMO_PATIENTS
from apps.inpatient import services
from apps.inpatient.models import Admission
from apps.patients.selectors import patient_get_by_certno

DAILY = [("CW-0001", "1"), ("HL-0001", "1")]
DAYS = [
    [("XY-0010", "2"), ("XY-0011", "2"), ("JY-0001", "1"), ("JC-0001", "1")],
    [("XY-0010", "2"), ("XY-0011", "2"), ("ZL-0001", "2"), ("JY-0006", "1")],
    [("XY-0010", "1"), ("XY-0012", "2"), ("JC-0003", "1")],
]


def demo_inpatient() -> int:
    person = next(p for p in DEMO_PATIENTS if p.get("inpatient"))
    patient = patient_get_by_certno(person["certno"])
    if patient is None or Admission.objects.filter(patient=patient).exists():
        return 0
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start = today - datetime.timedelta(days=len(DAYS) - 1)
    admission = services.admission_open(
        patient=patient, mdtrt_cert_type="02", ward="NK1", adm_bed="12", diag_code="J18.900", atddr_no="D1001",
        begntime=start - datetime.timedelta(hours=1),
    )  # fmt: skip
    for offset, extra in enumerate(DAYS):
        services.charges_record(
            admission=admission, items=DAILY + extra, fee_ocur_time=start + datetime.timedelta(days=offset)
        )
    return 1
