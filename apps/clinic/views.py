from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.catalogue.selectors import diagnoses, fee_items
from apps.clinic import selectors, services
from apps.clinic.models import Mode
from apps.clinic.visits import visit_get
from apps.core.errors import ApplicationError
from apps.core.roles import DOCTOR, role_required

FORM_ROWS = 6
USAGES = (
    "口服，一日3次，一次1粒",
    "口服，一日2次，一次1片",
    "口服，一日1次，一次1片",
    "静脉滴注，一日1次",
    "外用，一日2次",
)


def _doctor_visit(request, source: str, pk: int):
    """The visit, if it is in this doctor's own queue."""
    doctor = selectors.doctor_of(request.user)
    visit = visit_get(source, pk)
    if doctor is None or visit is None or visit.doctor.pk != doctor.pk:
        raise Http404
    return doctor, visit


@role_required(DOCTOR)
def queue(request):
    doctor = selectors.doctor_of(request.user)
    day = timezone.localdate()
    rows = selectors.queue_today(doctor=doctor, day=day) if doctor else []
    return render(request, "clinic/queue.html", {"doctor": doctor, "rows": rows, "day": day})


def _catalogue():
    """Prescribable items grouped by category, for the form's choices."""
    groups: dict[str, list] = {}
    for item in fee_items().filter(category__in=services.PRESCRIBABLE):
        groups.setdefault(item.get_category_display(), []).append(item)
    return groups


def _form_lines(post) -> list[services.RxLine]:
    codes, counts, usages = post.getlist("item"), post.getlist("cnt"), post.getlist("usage")
    return [
        services.RxLine(medins_list_codg=code[:50], cnt=(cnt or "").strip()[:12], usage=usage[:80])
        for code, cnt, usage in zip(codes, counts, usages, strict=False)
    ][: services.MAX_LINES + 1]


@role_required(DOCTOR)
@never_cache
def visit(request, source, pk):
    doctor, visit = _doctor_visit(request, source, pk)
    if request.method == "POST":
        try:
            prescription, created = services.prescription_submit(
                visit=visit,
                doctor=doctor,
                diag_code=request.POST.get("diag_code", "")[:20],
                lines=_form_lines(request.POST),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if not created:
                messages.info(request, "该患者本次就诊已开过处方，以下为已提交的处方。")
            elif prescription.mode == Mode.PASSWORD_FREE:
                messages.success(request, "处方已提交，正在免密结算，患者无需到窗口缴费。")
            else:
                messages.success(request, "处方已提交，已推送待支付账单，请患者在手机上确认支付。")
            return redirect("clinic:visit", source=source, pk=pk)
    prescription = selectors.prescription_for(visit)
    context = {"visit": visit, "prescription": prescription, **_status_context(prescription)}
    if prescription is None:
        context |= {
            "diagnoses": diagnoses(),
            "catalogue": _catalogue(),
            "rows": range(FORM_ROWS),
            "usages": USAGES,
            "posted": request.POST,
            "mode_label": Mode(services.settlement_mode(patient=visit.patient, department=doctor.department)).label,
        }
    return render(request, "clinic/visit.html", context)


def _status_context(prescription) -> dict:
    if prescription is None:
        return {"status": selectors.prescription_status(None)}
    return {
        "status": selectors.prescription_status(prescription),
        "patient_messages": selectors.prescription_messages(prescription),
        "stops": selectors.prescription_stops(prescription),
        "lines": prescription.lines.select_related("fee_item"),
    }


@role_required(DOCTOR)
@never_cache
@require_GET
def visit_status(request, source, pk):
    """The live part of the visit page (settlement state, the patient's messages), fetched by static/js/clinic.js."""
    _, visit = _doctor_visit(request, source, pk)
    prescription = selectors.prescription_for(visit)
    context = {"visit": visit, "prescription": prescription, **_status_context(prescription)}
    return render(request, "clinic/_status.html", context)


def _act(request, source, pk, action, done: str):
    _, visit = _doctor_visit(request, source, pk)
    prescription = selectors.prescription_for(visit)
    if prescription is None:
        raise Http404
    try:
        action(prescription)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("clinic:visit", source=source, pk=pk)


@role_required(DOCTOR)
@require_POST
def withdraw(request, source, pk):
    return _act(
        request,
        source,
        pk,
        lambda p: services.prescription_withdraw(prescription=p),
        "账单已撤回，平台不再向患者收取。",
    )


@role_required(DOCTOR)
@require_POST
def retry(request, source, pk):
    return _act(request, source, pk, lambda p: services.prescription_retry(prescription=p), "已重新发起免密结算。")


@role_required(DOCTOR)
@require_POST
def to_confirm(request, source, pk):
    return _act(
        request,
        source,
        pk,
        lambda p: services.prescription_to_confirm(prescription=p, reason="医生改为患者确认支付"),
        "已推送待支付账单，请患者在手机上确认支付。",
    )
