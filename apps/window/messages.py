"""AMP_HOS_001 bodies for fees paid at the window or a kiosk (INTERFACES.md 1.4): the payment result and the
guidance that follows it (medicines: the pharmacy window and a queue number; exams and lab tests: where to go).
A window registration's messages are online registration's own (`apps.outpatient.messages`).

Field names are the platform's camelCase, verbatim."""

from django.conf import settings
from django.utils import timezone

from apps.core.money import format_money
from apps.ledger.models import ItemCategory

APP_TYPE_OUTPATIENT = "01"
MEDICINES = (ItemCategory.WESTERN_DRUG, ItemCategory.PATENT_DRUG)
CHECKS = (ItemCategory.EXAM, ItemCategory.LAB)


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


def items_of(sheet, categories) -> list[str]:
    return [item.item_name for item in sheet.bill.items.all() if item.category in categories]


def paid_messages(sheet) -> list[dict]:
    """The payment result, then one guidance message per place the patient has to go."""
    bodies = [
        _common(sheet)
        | {"medOrgOrd": f"{sheet.trace_no}-P", "pushType": "HOSPITAL_PAYMENT", "orderStatus": "MERCHANT_PAID"}
    ]
    if items_of(sheet, MEDICINES):
        bodies.append(
            _common(sheet)
            | {
                "medOrgOrd": f"{sheet.trace_no}-M",
                "pushType": "HOSPITAL_MEDICINE",
                "takeMedicineLoc": settings.WINDOW_PHARMACY_LOCATION,
                "waitingNum": str(sheet.pharmacy_no or ""),
            }
        )
    checks = items_of(sheet, CHECKS)
    if checks:
        bodies.append(
            _common(sheet)
            | {
                "medOrgOrd": f"{sheet.trace_no}-C",
                "pushType": "HOSPITAL_CHECK",
                "checkItem": "、".join(checks)[:200],
                "deptLoc": settings.WINDOW_EXAM_LOCATION,
            }
        )
    return bodies


def tips(sheet) -> list[str]:
    """What the patient does next, in words (the receipt and the settlement reply)."""
    lines = []
    if items_of(sheet, MEDICINES):
        lines.append(f"请到{settings.WINDOW_PHARMACY_LOCATION}取药，取药号 {sheet.pharmacy_no or '—'}。")
    checks = items_of(sheet, CHECKS)
    if checks:
        lines.append(f"请到{settings.WINDOW_EXAM_LOCATION}办理：{'、'.join(checks)}。")
    return lines


def refund_message(sheet, movement) -> dict:
    return _common(sheet) | {
        "medOrgOrd": movement.org_trace_no,
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_REFUNDED",
        "amount": format_money(-movement.amount),
        "refundReason": movement.note,
    }
