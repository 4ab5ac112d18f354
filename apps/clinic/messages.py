"""AMP_HOS_001 bodies for a clinic prescription's bill (INTERFACES.md 1.4): pending (待结算), paid, closed, refunded.
Guidance pushes (pharmacy, exam room) are the guidance app's (`apps/guidance/stops.py`)."""

from django.conf import settings
from django.utils import timezone

from apps.core.money import format_money

APP_TYPE_OUTPATIENT = "01"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _common(prescription) -> dict:
    bill, patient, doctor = prescription.bill, prescription.patient, prescription.doctor
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "pushType": "HOSPITAL_PAYMENT",
        "appType": APP_TYPE_OUTPATIENT,
        "amount": format_money(bill.total),
        "deptName": doctor.department.name,
        "deptCode": doctor.department.code,
        "deptLoc": doctor.department.location,
        "drName": doctor.name,
        "drLvName": doctor.level_name,
        "drLvNo": doctor.level_no,
        "createTime": _when(prescription.created_at),
        "updateTime": _when(timezone.now()),
        "orgTraceNo": bill.org_trace_no,
    }


def pending_message(prescription) -> dict:
    """The bill waits for the patient's confirmation on the platform (section 6)."""
    return _common(prescription) | {
        "medOrgOrd": f"{prescription.bill.org_trace_no}-W",
        "orderStatus": "MERCHANT_WAIT_PAY",
    }


def paid_message(prescription, movement) -> dict:
    """Settled (2207B or the platform's org_003): the settlement result."""
    ids = {"ampTraceId": movement.amp_trace_id, "traceId": movement.trace_id}
    return (
        _common(prescription)
        | {key: value for key, value in ids.items() if value}
        | {"medOrgOrd": f"{prescription.bill.org_trace_no}-P", "orderStatus": "MERCHANT_PAID"}
    )


def closed_message(prescription) -> dict:
    """A pending bill the doctor withdrew or that expired: the platform stops offering it."""
    return _common(prescription) | {
        "medOrgOrd": f"{prescription.bill.org_trace_no}-X",
        "orderStatus": "MERCHANT_CLOSED",
    }


def refund_message(prescription, movement) -> dict:
    return _common(prescription) | {
        "medOrgOrd": movement.org_trace_no,
        "orderStatus": "MERCHANT_REFUNDED",
        "amount": format_money(-movement.amount),
        "refundReason": movement.note,
    }
