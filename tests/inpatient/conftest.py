from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from apps.core.demo import DEMO_PATIENTS
from apps.inpatient import services
from apps.inpatient.models import Admission
from apps.patients.services import patient_read_medium
from apps.sandbox.models import Fault
from apps.sandbox.people import ensure_demo_people

ZHANG, WANG, LI = (p["certno"] for p in DEMO_PATIENTS)


@pytest.fixture
def cashier(demo):
    return get_user_model().objects.get(username="cashier")


@pytest.fixture
def gw(sandbox, demo, settings):
    # Room for a loaded machine (the timeout fault waits this long plus a second, so it still times out).
    settings.UPSTREAM_READ_TIMEOUT = 6.0
    ensure_demo_people()
    return sandbox


@pytest.fixture
def li_na(gw, cashier) -> Admission:
    """李娜's demo stay, registered (2401) and its charges uploaded (2301) on the first action."""
    admission = Admission.objects.get(patient__name="李娜")
    services.charges_upload(admission=admission, opter=cashier)
    admission.refresh_from_db()
    return admission


@pytest.fixture
def admit(gw, cashier):
    """Admit a demo person by 身份证 on the admission screen's path (1101, then 2401)."""

    def _admit(certno: str, *, items=(("CW-0001", "1"), ("HL-0001", "1"), ("JC-0004", "1"))) -> Admission:
        reading = patient_read_medium(mdtrt_cert_type="02", mdtrt_cert_no=certno, opter=cashier)
        admission = services.admission_admit(
            reading=reading, ward="NK2", adm_bed="7", diag_code="J18.900", atddr_no="D1002", opter=cashier
        )
        if items:
            from django.utils import timezone

            services.charges_add(admission=admission, items=list(items), fee_ocur_time=timezone.now(), opter=cashier)
        return admission

    return _admit


def fault(infno: str, mode: str, remaining: int | None = 1) -> None:
    Fault.objects.create(party="nhsa", interface=infno, mode=mode, remaining=remaining)


def collect(admission, amount: str, cashier, sn: str | None = None):
    return services.deposit_collect(
        admission=admission, dpst_amt=Decimal(amount), dpst_sn=sn or services.deposit_new_sn(admission), opter=cashier
    )
