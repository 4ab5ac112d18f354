"""Guidance state: where the patient goes after a bill is settled (pharmacy window, exam room), its progress, the
AMP_HOS_001 pushes for each change, and the live detail org_006 answers (guide section 9).

Stops are made for ANY settled bill whose items include drugs, exams or labs (clinic, window …), by the receiver
of `apps.ledger.signals.bill_settled`. Places and the [assumed] field names are in `apps/guidance/places.py`.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.guidance import places
from apps.guidance.models import STOP_DONE, GuidanceStop, QueueCounter, StopKind, StopState
from apps.guidance.services import message_enqueue

APP_TYPE_OUTPATIENT = "01"
FIRST_STATE = {StopKind.PHARMACY: StopState.WAITING_DRUG, StopKind.EXAM: StopState.WAITING_EXAM,
               StopKind.LAB: StopState.WAITING_EXAM}  # fmt: skip
PUSH_TYPE = {StopKind.PHARMACY: "HOSPITAL_MEDICINE", StopKind.EXAM: "HOSPITAL_CHECK", StopKind.LAB: "HOSPITAL_CHECK"}


@dataclass(frozen=True)
class PlannedStop:
    kind: str
    items: str


def _kind_of(category: str) -> str | None:
    if category in places.DRUG_CATEGORIES:
        return StopKind.PHARMACY
    if category in places.EXAM_ROOMS:
        return StopKind(category)
    return None


def stops_plan(bill) -> list[PlannedStop]:
    """The stops a bill's items call for, without saving anything (also the settlement reply's tips)."""
    grouped: dict[str, list[str]] = {}
    for item in bill.items.all():
        kind = _kind_of(item.category)
        if kind is not None:
            grouped.setdefault(kind, []).append(item.item_name)
    return [PlannedStop(kind=kind, items="、".join(names)[:300]) for kind, names in grouped.items()]


def stop_tips(bill) -> list[str]:
    words = {StopKind.PHARMACY: "请到{}取药：{}", StopKind.EXAM: "请到{}做检查：{}", StopKind.LAB: "请到{}抽血化验：{}"}
    return [words[stop.kind].format(_place(stop.kind), stop.items) for stop in stops_plan(bill)]


def _place(kind: str) -> str:
    return places.PHARMACY if kind == StopKind.PHARMACY else places.EXAM_ROOMS[kind][0]


def _rooms(kind: str) -> tuple[str, ...]:
    return places.PHARMACY_WINDOWS if kind == StopKind.PHARMACY else places.EXAM_ROOMS[kind][1]


def _next_number(day, place: str) -> int:
    """Within the caller's transaction: the place's next queue number today (a row lock serialises takers)."""
    counter, _ = QueueCounter.objects.select_for_update().get_or_create(day=day, place=place)
    QueueCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def stops_create_for_bill(*, bill) -> list[GuidanceStop]:
    """The bill's stops, made once (a repeated signal finds them), each pushed to the patient."""
    from apps.ledger.services import bill_locked

    plan = stops_plan(bill)
    if not plan:
        return []
    created = []
    with transaction.atomic():
        bill = bill_locked(bill)  # two deliveries of the signal at once: one makes the stops
        existing = set(GuidanceStop.objects.filter(bill=bill).values_list("kind", flat=True))
        day = timezone.localdate()
        for stop in plan:
            if stop.kind in existing:
                continue
            number = _next_number(day, _place(stop.kind))
            rooms = _rooms(stop.kind)
            created.append(
                GuidanceStop.objects.create(
                    bill=bill,
                    patient=bill.patient,
                    kind=stop.kind,
                    state=FIRST_STATE[stop.kind],
                    location=f"{_place(stop.kind)}{rooms[(number - 1) % len(rooms)]}",
                    waiting_num=number,
                    items=stop.items,
                    day=day,
                )
            )
        for stop in created:
            message_enqueue(body=stop_message(stop), business=bill)
    return created


def stops_create_missing(*, since_hours: int = 24) -> int:
    """The sweep: recently settled bills with drugs, exams or labs but no stops (the signal's receiver failed, or
    the process died between the commit and the receiver)."""
    from apps.ledger.models import Bill, BillState

    categories = [*places.DRUG_CATEGORIES, *places.EXAM_ROOMS]
    due = (
        Bill.objects.filter(
            state=BillState.SETTLED,
            settled_at__gte=timezone.now() - datetime.timedelta(hours=since_hours),
            items__category__in=categories,
            guidance_stops__isnull=True,
        )
        .select_related("patient")
        .distinct()
    )
    return sum(len(stops_create_for_bill(bill=bill)) > 0 for bill in due[:100])


def stop_advance(*, stop_id: int, to: str) -> GuidanceStop:
    """Staff marked the next step (已取药, 已检查, 报告已出): one step forward only; the patient is told."""
    with transaction.atomic():
        stop = (
            GuidanceStop.objects.select_for_update(of=("self",))
            .select_related("bill__patient")
            .filter(pk=stop_id)
            .first()
        )
        if stop is None:
            raise ApplicationError("没有这条导诊记录")
        if stop.state == to:  # a double click: the first answer again
            return stop
        if stop.next_state != to:
            raise ApplicationError(
                f"该记录当前为「{stop.get_state_display()}」，不能标记为「{StopState(to).label}」"
                if to in StopState.values
                else "状态无效"
            )
        stop.state = to
        stop.save(update_fields=["state", "updated_at"])
        message_enqueue(body=stop_message(stop), business=stop.bill)
    return stop


def stops_of(bill):
    return GuidanceStop.objects.filter(bill=bill).order_by("id")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _common(bill) -> dict:
    patient = bill.patient
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "appType": APP_TYPE_OUTPATIENT,
        "deptName": bill.dept_name,
        "deptCode": bill.dept_code,
        "drName": bill.dr_name,
        "orgTraceNo": bill.org_trace_no,
        "createTime": _when(bill.created_at),
        "updateTime": _when(timezone.now()),
    }


def stop_message(stop: GuidanceStop) -> dict:
    """The AMP_HOS_001 body for a stop in its current state (one message per state)."""
    bill = stop.bill
    body = _common(bill) | {
        "medOrgOrd": f"{bill.org_trace_no[:40]}-G{stop.pk}-{stop.state}"[:64],
        "pushType": PUSH_TYPE[stop.kind],
        "deptLoc": stop.location,
        "waitingNum": str(stop.waiting_num),
        places.PUSH_STATUS_FIELD: stop.get_state_display(),
    }
    if stop.kind == StopKind.PHARMACY:
        body["takeMedicineLoc"] = stop.location
    else:
        body["checkItem"] = stop.items
    return body


def _next_step(stops: list[GuidanceStop]) -> str:
    pending = [s for s in stops if s.state not in STOP_DONE]
    if not stops:
        return "本次费用无需取药或检查"
    if not pending:
        return "已全部完成"
    first = pending[0]
    if first.state == StopState.WAITING_DRUG:
        return f"请到{first.location}取药，取药号 {first.waiting_num}"
    if first.state == StopState.WAITING_EXAM:
        return f"请到{first.location}{first.get_kind_display()}，排队号 {first.waiting_num}"
    return f"{first.get_kind_display()}报告待出，请留意报告通知"


def guidance_detail(*, bill) -> dict:
    """org_006: the live guidance of a settled bill, in AMP_HOS_001's display fields (snake_case) plus the
    [assumed] list of stops and the next step (places.ORG_006_FIELDS)."""
    stops = list(stops_of(bill))
    pending = [s for s in stops if s.state not in STOP_DONE]
    current = pending[0] if pending else None
    pharmacy = next((s for s in stops if s.kind == StopKind.PHARMACY), None)
    checks = [s for s in stops if s.kind != StopKind.PHARMACY]
    fields = places.ORG_006_FIELDS
    return {
        "org_trace_no": bill.org_trace_no,
        fields["order_status"]: "MERCHANT_REFUNDED" if bill.state == "refunded" else "MERCHANT_PAID",
        "amount": format_money(bill.total),
        "dept_name": bill.dept_name,
        "dept_code": bill.dept_code,
        "dr_name": bill.dr_name,
        "dept_loc": current.location if current else "",
        "waiting_num": str(current.waiting_num) if current else "",
        "take_medicine_loc": pharmacy.location if pharmacy else "",
        "check_item": "、".join(s.items for s in checks),
        "update_time": _when(max((s.updated_at for s in stops), default=bill.settled_at or bill.updated_at)),
        fields["next_step"]: _next_step(stops),
        fields["stops"]: [
            {
                "guide_type": s.kind,
                "guide_type_name": s.get_kind_display(),
                "guide_status": s.state,
                "guide_status_name": s.get_state_display(),
                "location": s.location,
                "waiting_num": str(s.waiting_num),
                "items": s.items,
            }
            for s in stops
        ],
    }


def guidance_detail_push(*, bill, detail: dict) -> None:
    """ "并推送详情数据": the detail just answered, pushed as a guidance message once per distinct state."""
    fields = places.ORG_006_FIELDS
    state = json.dumps(detail[fields["stops"]], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(state.encode()).hexdigest()[:10]
    body = _common(bill) | {
        "medOrgOrd": f"{bill.org_trace_no[:40]}-D{digest}",
        "pushType": "HOSPITAL_GUIDE",
        "amount": detail["amount"],
        places.PUSH_STATUS_FIELD: detail[fields["next_step"]],
    }
    for key, name in (("deptLoc", "dept_loc"), ("waitingNum", "waiting_num"), ("takeMedicineLoc", "take_medicine_loc"),
                      ("checkItem", "check_item")):  # fmt: skip
        if detail[name]:
            body[key] = detail[name]
    with transaction.atomic():
        message_enqueue(body=body, business=bill)
