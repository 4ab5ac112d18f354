"""The cashier's inpatient screens: admissions, charges, deposits (section 7) and the final settlement (8).

Thin: every change goes through services (or discharge), every read through selectors; the outcome of each
money call is said in a sentence at the top of the page."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from apps.catalogue.models import Diagnosis
from apps.catalogue.selectors import fee_items
from apps.core.errors import ApplicationError
from apps.core.roles import CASHIER, role_required
from apps.inpatient import discharge, selectors, services
from apps.inpatient.models import Admission, AdmissionState, Charge, Deposit
from apps.inpatient.wards import DOCTORS, WARDS
from apps.ledger.models import ItemCategory
from apps.patients.services import MEDIA, patient_read_medium

INPATIENT_CATEGORIES = (ItemCategory.BED, ItemCategory.NURSING, ItemCategory.WESTERN_DRUG, ItemCategory.PATENT_DRUG,
                        ItemCategory.EXAM, ItemCategory.LAB, ItemCategory.TREATMENT, ItemCategory.MATERIAL)  # fmt: skip


def _say(request, outcome) -> None:
    level = {"succeeded": messages.success, "unknown": messages.warning}.get(outcome.status, messages.error)
    level(request, outcome.message)


@role_required(CASHIER)
def index(request):
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")[:30]
    rows = selectors.admissions(q=q, state=state if state in AdmissionState.values else "")[:200]
    return render(
        request,
        "inpatient/index.html",
        {"rows": rows, "states": AdmissionState.choices, "state": state, "q": q},
    )


@role_required(CASHIER)
def admit(request):
    form = {k: request.POST.get(k, "").strip()[:60] for k in
            ("mdtrt_cert_type", "mdtrt_cert_no", "card_sn", "ward", "adm_bed", "atddr_no", "diag_code")}  # fmt: skip
    if request.method == "POST":
        try:
            reading = patient_read_medium(
                mdtrt_cert_type=form["mdtrt_cert_type"], mdtrt_cert_no=form["mdtrt_cert_no"],
                card_sn=form["card_sn"], opter=request.user,
            )  # fmt: skip
            admission = services.admission_admit(
                reading=reading, ward=form["ward"], adm_bed=form["adm_bed"], diag_code=form["diag_code"],
                atddr_no=form["atddr_no"], opter=request.user,
            )  # fmt: skip
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已办理入院，住院号 {admission.ipt_no}。")
            return redirect("inpatient:detail", pk=admission.pk)
    return render(
        request,
        "inpatient/admit.html",
        {"form": form, "media": MEDIA.items(), "wards": WARDS.items(), "doctors": DOCTORS.items(),
         "diagnoses": Diagnosis.objects.all()},
    )  # fmt: skip


def _admission(pk) -> Admission:
    return get_object_or_404(Admission.objects.select_related("patient", "bill"), pk=pk)


@role_required(CASHIER)
def detail(request, pk):
    admission = _admission(pk)
    deposits = selectors.deposits_of(admission)
    return render(
        request,
        "inpatient/detail.html",
        {
            "admission": admission,
            "registered": admission.mdtrt_id and admission.mdtrt_id != services.PENDING_REGISTRATION,
            "charges": selectors.charges_of(admission),
            "charges_total": selectors.charges_total(admission),
            "pending_charges": selectors.charges_pending(admission).count(),
            "deposits": deposits,
            "held_total": sum((v.deposit.dpst_amt for v in deposits if v.held), services.ZERO_AMOUNT),
            "partials": [v.partial for v in deposits if v.partial and v.partial.step != "done"],
            "items": fee_items().filter(category__in=INPATIENT_CATEGORIES),
            "today": timezone.localdate(),
            "new_dpst_sn": services.deposit_new_sn(admission),
            "settlement": admission.bill.settlement if admission.bill and admission.bill.settlement_id else None,
            "refund_left": admission.state == AdmissionState.SETTLED and any(v.held for v in deposits),
        },
    )


@role_required(CASHIER)
@require_POST
def register(request, pk):
    try:
        services.admission_register(admission=_admission(pk), opter=request.user)
        messages.success(request, "已向医保办理入院登记。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
@require_POST
def charges_add(request, pk):
    admission = _admission(pk)
    day = parse_date(request.POST.get("day", "")) or timezone.localdate()
    when = timezone.make_aware(datetime.datetime.combine(day, timezone.localtime().time().replace(microsecond=0)))
    items = [(code, cnt) for code, cnt in zip(request.POST.getlist("item"), request.POST.getlist("cnt"), strict=False)
             if code]  # fmt: skip
    try:
        added = services.charges_add(admission=admission, items=items, fee_ocur_time=when, opter=request.user)
        messages.success(request, f"已记账并上传医保 {len(added)} 项费用。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
@require_POST
def charges_upload(request, pk):
    try:
        count = services.charges_upload(admission=_admission(pk), opter=request.user)
        messages.success(request, f"已上传医保 {count} 项费用。" if count else "没有待上传的费用。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
@require_POST
def charge_cancel(request, pk, charge_pk):
    charge = get_object_or_404(Charge, pk=charge_pk, admission_id=pk)
    try:
        services.charge_cancel(charge=charge, reason=request.POST.get("reason", ""), opter=request.user)
        messages.success(request, f"已撤销费用“{charge.item_name}”。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
@require_POST
def deposit_collect(request, pk):
    admission = _admission(pk)
    try:
        outcome = services.deposit_collect(
            admission=admission, dpst_amt=request.POST.get("dpst_amt", ""), dpst_sn=request.POST.get("dpst_sn", ""),
            opter=request.user,
        )  # fmt: skip
        _say(request, outcome)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


def _deposit(pk, deposit_pk) -> Deposit:
    return get_object_or_404(Deposit.objects.select_related("admission__patient"), pk=deposit_pk, admission_id=pk)


@role_required(CASHIER)
@require_POST
def deposit_refund(request, pk, deposit_pk):
    deposit = _deposit(pk, deposit_pk)
    try:
        _say(request, services.deposit_refund(deposit=deposit, refd_amt=request.POST.get("refd_amt", ""),
                                              reason=request.POST.get("reason", ""), opter=request.user))  # fmt: skip
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
@require_POST
def deposit_partial(request, pk, deposit_pk):
    deposit = _deposit(pk, deposit_pk)
    try:
        if request.POST.get("finish"):
            outcome = services.deposit_partial_finish(deposit=deposit, opter=request.user)
        else:
            outcome = services.deposit_partial_return(
                deposit=deposit, return_amt=request.POST.get("return_amt", ""), opter=request.user
            )
        _say(request, outcome)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
def receipt(request, pk, deposit_pk):
    deposit = _deposit(pk, deposit_pk)
    view = selectors.deposit_view(deposit)
    return render(request, "inpatient/receipt.html", {"view": view, "deposit": deposit, "admission": deposit.admission})


@role_required(CASHIER)
@require_POST
def discharge_admission(request, pk):
    try:
        services.admission_discharge(admission=_admission(pk), opter=request.user)
        messages.success(request, "已办理出院，请进行出院结算。")
        return redirect("inpatient:settle", pk=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:detail", pk=pk)


@role_required(CASHIER)
def settle(request, pk):
    admission = _admission(pk)
    if request.method == "POST":
        try:
            outcome = discharge.discharge_settle(admission=admission, opter=request.user)
            _say(request, outcome)
            for refund in outcome.refunds:
                _say(request, refund)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("inpatient:settle", pk=pk)
    preview = None
    if admission.state == AdmissionState.DISCHARGED:
        try:
            preview = discharge.discharge_preview(admission=admission, opter=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    admission.refresh_from_db()
    return render(
        request,
        "inpatient/settle.html",
        {
            "admission": admission,
            "preview": preview,
            "settlement": admission.bill.settlement if admission.bill and admission.bill.settlement_id else None,
            "deposits": selectors.deposits_of(admission),
            "charges_total": selectors.charges_total(admission),
            "state": discharge.settlement_state(admission),
        },
    )


@role_required(CASHIER)
@require_POST
def deposits_return(request, pk):
    for outcome in discharge.discharge_refund_deposits(admission=_admission(pk), opter=request.user):
        _say(request, outcome)
    return redirect("inpatient:settle", pk=pk)


@role_required(CASHIER)
@require_POST
def settlement_reverse(request, pk):
    try:
        messages.info(request, discharge.settlement_reverse(
            admission=_admission(pk), reason=request.POST.get("reason", ""), opter=request.user))  # fmt: skip
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("inpatient:settle", pk=pk)
