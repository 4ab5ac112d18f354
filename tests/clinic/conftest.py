import pytest
from django.utils import timezone

from apps.clinic.services import RxLine
from apps.clinic.visits import visit_get
from apps.outpatient.models import OrderState, Period, RegistrationOrder, Schedule
from apps.patients.services import patient_record_sign_status

ZHANG = "220102198805060015"
WANG = "220104199203150029"
# A drug, an exam and a lab: the pharmacy and two exam desks.
LINES = [
    RxLine(medins_list_codg="XY-0001", cnt="2", usage="口服，一日3次，一次2粒"),
    RxLine(medins_list_codg="JC-0003", cnt="1"),
    RxLine(medins_list_codg="JY-0001", cnt="1"),
]
TOTAL = "70.00"  # 12.50 × 2 + 25.00 + 20.00


@pytest.fixture
def doctor(demo):
    from apps.outpatient.models import Doctor

    return Doctor.objects.select_related("department").get(code="D1001")


@pytest.fixture
def visit_for(sandbox, doctor):
    """A paid online registration with 赵明 in today's morning session (the doctor's queue), booked through the
    portal (1101 at the sandbox); the visit is registered at the gateway (2201) only when the clinic needs it."""
    from apps.outpatient.services import order_create

    def make(name="张伟", certno=ZHANG, *, signed=True):
        first = Schedule.objects.open_for_booking().filter(doctor=doctor).order_by("date", "period").first()
        order = order_create(name=name, certno=certno, schedule_id=first.pk)
        today = Schedule.objects.get(doctor=doctor, date=timezone.localdate(), period=Period.AM)
        RegistrationOrder.objects.filter(pk=order.pk).update(state=OrderState.PAID, schedule=today)
        patient_record_sign_status(patient=order.patient, signed=signed)
        return visit_get("online", order.pk)

    return make


def submit(visit, doctor, lines=LINES, diag_code="J06.900"):
    from apps.clinic.services import prescription_submit

    return prescription_submit(visit=visit, doctor=doctor, diag_code=diag_code, lines=lines)


def pushed(**filters):
    """Deliver the outbox to the sandbox platform and return what the patient's phone received."""
    from apps.guidance.services import messages_deliver_due
    from apps.sandbox.paylater.models import PushedMessage

    messages_deliver_due()
    return list(PushedMessage.objects.filter(**filters).order_by("pk"))
