"""AMP_HOS_001 bodies (INTERFACES.md 1.4) for the stay: deposits paid and refunded, the final settlement and its
reversal. appType 02 住院; medOrgOrd is the number of the money movement reported, so a repeat is recognised."""

from django.conf import settings
from django.utils import timezone

from apps.core.money import format_money

APP_TYPE_INPATIENT = "02"


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")


def _common(admission) -> dict:
    patient = admission.patient
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "pushType": "HOSPITAL_PAYMENT",
        "appType": APP_TYPE_INPATIENT,
        "deptName": admission.adm_dept_name,
        "deptCode": admission.adm_dept_codg,
        "deptLoc": admission.disease_area,
        "drName": admission.chfpdr_name,
        "createTime": timezone.localtime(admission.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        "updateTime": _now(),
    }


def paid(admission, movement) -> dict:
    """A deposit or the final settlement went through (orderStatus MERCHANT_PAID)."""
    return _common(admission) | {
        "medOrgOrd": movement.org_trace_no,
        "orgTraceNo": movement.org_trace_no,
        "orderStatus": "MERCHANT_PAID",
        "amount": format_money(movement.amount),
    }


def refunded(admission, movement) -> dict:
    """A deposit refund or a settlement reversal went through: the refunded amount, with the reason."""
    return _common(admission) | {
        "medOrgOrd": movement.org_trace_no,
        "orgTraceNo": movement.reverses.org_trace_no if movement.reverses_id else movement.org_trace_no,
        "orderStatus": "MERCHANT_REFUNDED",
        "amount": format_money(-movement.amount),
        "refundReason": movement.note,
    }
