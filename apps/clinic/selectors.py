from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from apps.clinic.models import Mode, Prescription
from apps.clinic.visits import ClinicVisit, queue_on
from apps.core.refs import refers_to
from apps.guidance.selectors import messages_of
from apps.guidance.stops import stops_of
from apps.ledger.selectors import bill_gateway_state

# State codes of a visit's prescription on the doctor's screens, with their words. Polling stops at FINAL.
STATES = {
    "none": "未开方",
    "queued": "待结算",
    "settling": "结算中",
    "unknown": "结果未知",
    "failed": "失败",
    "confirm": "待患者确认",
    "settled": "已结算",
    "refunded": "已退费",
    "withdrawn": "已撤回",
    "expired": "已过期",
    "closed": "已关闭",
}
FINAL = ("settled", "refunded", "withdrawn", "expired", "closed")


@dataclass(frozen=True)
class Status:
    code: str

    @property
    def label(self) -> str:
        return STATES[self.code]

    @property
    def final(self) -> bool:
        return self.code in FINAL


def doctor_of(user):
    return getattr(user, "doctor", None)


def prescription_for(visit: ClinicVisit) -> Prescription | None:
    return (
        Prescription.objects.select_related("bill__settlement", "patient", "doctor__department")
        .filter(refers_to(visit.row))
        .first()
    )


def prescription_status(prescription: Prescription | None) -> Status:
    if prescription is None:
        return Status("none")
    if prescription.closed_reason:
        return Status(prescription.closed_reason)
    state = bill_gateway_state(prescription.bill)
    if state != "open":
        return Status(state)
    if prescription.mode == Mode.CONFIRM:
        return Status("confirm")
    if prescription.settle_queued:
        return Status("queued")
    return Status("failed")  # a failed attempt, or one recovery undid: the doctor may retry or hand it over


def queue_today(*, doctor, day) -> list[tuple[ClinicVisit, Status]]:
    """The doctor's queue with each visit's prescription state (one query for the prescriptions)."""
    visits = queue_on(doctor=doctor, day=day)
    found = {}
    for visit in visits:
        found.setdefault(type(visit.row), []).append(visit.pk)
    prescriptions = {}
    for model, pks in found.items():
        rows = Prescription.objects.select_related("bill").filter(
            business_type=ContentType.objects.get_for_model(model), business_id__in=pks
        )
        prescriptions |= {(model, p.business_id): p for p in rows}
    return [(v, prescription_status(prescriptions.get((type(v.row), v.pk)))) for v in visits]


def prescription_messages(prescription: Prescription):
    return messages_of(prescription.bill)


def prescription_stops(prescription: Prescription):
    return stops_of(prescription.bill)
