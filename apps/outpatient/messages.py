"""AMP_HOS_001 bodies for an online registration (INTERFACES.md 1.4): the registration notice and the payment result.

Field names are the platform's camelCase, verbatim.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from apps.core.money import format_money

APP_TYPE_REGISTRATION = "03"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _scheduled(order) -> str:
    schedule = order.schedule
    moment = timezone.make_aware(datetime.datetime.combine(schedule.date, schedule.start_time))
    return _when(moment)


def _common(order) -> dict:
    patient, doctor = order.patient, order.schedule.doctor
    dept = doctor.department
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "appType": APP_TYPE_REGISTRATION,
        "amount": format_money(order.fee),
        "deptName": dept.name,
        "deptCode": dept.code,
        "deptLoc": dept.location,
        "drName": doctor.name,
        "drLvName": doctor.level_name,
        "drLvNo": doctor.level_no,
        "waitingNum": str(order.queue_no),
        "scheduledTime": _scheduled(order),
        "createTime": _when(order.created_at),
        "updateTime": _when(timezone.now()),
        "orgTraceNo": order.trace_no,
        "redirectUrl": settings.PORTAL_BASE_URL + f"/r/{order.token}/",
    }


def paid_messages(order) -> list[dict]:
    """The two pushes owed once an online registration is paid: the registration notice and the payment result."""
    settlement = order.bill.settlement if order.bill else None
    ids = {"ampTraceId": settlement.amp_trace_id, "traceId": settlement.trace_id} if settlement else {}
    return [
        _common(order) | ids | {"medOrgOrd": f"{order.trace_no}-A", "pushType": "HOSPITAL_APPOINTMENT"},
        _common(order)
        | ids
        | {"medOrgOrd": f"{order.trace_no}-P", "pushType": "HOSPITAL_PAYMENT", "orderStatus": "MERCHANT_PAID"},
    ]


def booked_message(order) -> dict:
    """A booking made through the platform's app waits for payment (待结算)."""
    return _common(order) | {
        "medOrgOrd": f"{order.trace_no}-W",
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_WAIT_PAY",
        "orgTraceNo": order.trace_no,
    }


def closed_message(order) -> dict:
    """A booking made through the platform's app ended unpaid (cancelled or expired): its place is given back."""
    return _common(order) | {
        "medOrgOrd": f"{order.trace_no}-X",
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_CLOSED",
        "orgTraceNo": order.trace_no,
    }


def refund_message(order, movement) -> dict:
    """The payment message again, now refunded in full, with the refunded amount and the reason."""
    return _common(order) | {
        "medOrgOrd": movement.org_trace_no,
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_REFUNDED",
        "amount": format_money(-movement.amount),
        "refundReason": movement.note,
        "ampTraceId": movement.amp_trace_id,
        "traceId": movement.trace_id,
    }


def tips(order) -> list[str]:
    schedule = order.schedule
    dept = schedule.doctor.department
    return [
        f"请于 {schedule.date:%Y-%m-%d} {schedule.get_period_display()} {schedule.start_time:%H:%M} 前到"
        f"{dept.location}{dept.name}候诊，候诊号 {order.queue_no}。",
    ]
