"""AMP_HOS_001 bodies for fees paid at the window or a kiosk (INTERFACES.md 1.4): the payment result and the
refund. The guidance that follows a payment (pharmacy window and queue number, exam rooms) is made by
`apps.guidance.stops` for every settled bill. A window registration's messages are online registration's own
(`apps.outpatient.messages`).

Field names are the platform's camelCase, verbatim."""

from django.conf import settings
from django.utils import timezone

from apps.core.money import format_money

APP_TYPE_OUTPATIENT = "01"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _common(sheet) -> dict:
    patient, order = sheet.patient, sheet.order
    doctor = order.schedule.doctor
    dept = doctor.department
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "appType": APP_TYPE_OUTPATIENT,
        "amount": format_money(sheet.bill.total),
        "deptName": dept.name,
        "deptCode": dept.code,
        "deptLoc": dept.location,
        "drName": doctor.name,
        "drLvName": doctor.level_name,
        "drLvNo": doctor.level_no,
        "createTime": _when(sheet.created_at),
        "updateTime": _when(timezone.now()),
        "orgTraceNo": sheet.trace_no,
    }


def paid_message(sheet) -> dict:
    return _common(sheet) | {
        "medOrgOrd": f"{sheet.trace_no}-P",
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_PAID",
    }


def refund_message(sheet, movement) -> dict:
    return _common(sheet) | {
        "medOrgOrd": movement.org_trace_no,
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_REFUNDED",
        "amount": format_money(-movement.amount),
        "refundReason": movement.note,
    }
