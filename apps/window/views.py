from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.catalogue import selectors as catalogue
from apps.core.errors import ApplicationError
from apps.core.roles import CASHIER, role_required
from apps.ledger import selectors as ledger
from apps.ledger.models import Bill
from apps.outpatient.models import RegistrationOrder
from apps.patients.services import MEDIA
from apps.window import selectors, services
from apps.window.desk import desk_clear, desk_get, desk_keep, desk_sign_update

UNKNOWN = "结果未知，正在核实。系统会自动向医保核实，不会重复结算；请稍后刷新本页查看结果。"


@role_required(CASHIER)
@never_cache
def desk(request):
    """The window: read a medium, see the patient, register, take unpaid fees."""
    current = desk_get(request.session)
    form = {"mdtrt_cert_type": "02", "mdtrt_cert_no": "", "card_sn": ""}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip()[:60] for key in form}
        try:
            reading = services.medium_read(**form, opter=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            desk_keep(request.session, reading, services.sign_state(patient=reading.patient))
            return redirect("window:desk")
    dept = request.GET.get("dept", "")
    context = {"form": form, "media": MEDIA.items(), "desk": current, "dept": dept}
    if current is not None:
        q = request.GET.get("q", "").strip()[:30]
        context |= {
            "departments": selectors.departments(),
            "sessions": selectors.sessions_today(department_code=dept),
            "visits": selectors.visits_today(patient=current.patient),
            "unpaid": selectors.bills_unpaid(patient=current.patient),
            "recent": selectors.bills_recent(patient=current.patient),
            "q": q,
            "items": catalogue.fee_items(q=q)[:20] if q else [],
        }
    return render(request, "window/desk.html", context)


@role_required(CASHIER)
@require_POST
def sign_refresh(request):
    """重新查询: ask 附录五 again after the patient signed on the phone."""
    current = desk_get(request.session)
    if current is not None:
        state = services.sign_state(patient=current.patient)
        desk_sign_update(request.session, state)
        if state.signed is None:
            messages.error(request, "暂时无法连接先医后付平台，请稍后重试。")
        elif state.signed:
            messages.success(request, "患者已签约先医后付，可以挂号结算。")
        else:
            messages.warning(request, "患者仍未签约，请扫码签约后再查询。")
    return redirect("window:desk")


@role_required(CASHIER)
@require_POST
def next_patient(request):
    desk_clear(request.session)
    return redirect("window:desk")


def _desk_or_home(request):
    current = desk_get(request.session)
    if current is None:
        messages.error(request, "请先刷医保码、身份证或社保卡。")
    return current


@role_required(CASHIER)
@require_POST
def register(request):
    current = _desk_or_home(request)
    if current is None:
        return redirect("window:desk")
    try:
        order = services.window_register(patient=current.patient, schedule_id=int(request.POST.get("schedule", "")))
    except ValueError:
        messages.error(request, "请选择号源。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        return redirect("window:bill", pk=order.bill_id)
    return redirect("window:desk")


@role_required(CASHIER)
@require_POST
def fees(request):
    """Fees entered from the catalogue for one of today's visits (codes and counts posted side by side)."""
    current = _desk_or_home(request)
    if current is None:
        return redirect("window:desk")
    order = RegistrationOrder.objects.filter(pk=request.POST.get("order") or 0, patient=current.patient).first()
    try:
        if order is None:
            raise ApplicationError("请选择本次就诊。")
        items = []
        for code, cnt in zip(request.POST.getlist("item"), request.POST.getlist("cnt"), strict=False):
            if cnt.strip() and cnt.strip() != "0":
                items.append((catalogue.fee_item_get(code), cnt.strip()))
        sheet = services.fees_create(order=order, items=items, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("window:desk")
    return redirect("window:bill", pk=sheet.bill_id)


def _bill(pk) -> Bill:
    return get_object_or_404(Bill.objects.select_related("patient", "settlement"), pk=pk)


@role_required(CASHIER)
@never_cache
def bill(request, pk):
    """One bill: its fees, the 2206 preview on request, settlement, the receipt and refunds."""
    bill = _bill(pk)
    current = desk_get(request.session)
    split = None
    if request.method == "POST":
        if current is None or current.patient.pk != bill.patient_id:
            messages.error(request, "请先刷该患者的医保码、身份证或社保卡。")
        else:
            try:
                split = services.window_preview(bill=bill, medium=current.medium, opter=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
        bill.refresh_from_db()
    state = ledger.bill_gateway_state(bill)
    return render(
        request,
        "window/bill.html",
        {
            "bill": bill,
            "items": bill.items.all(),
            "split": split,
            "state": state,
            "unknown_text": UNKNOWN,
            "at_desk": current is not None and current.patient.pk == bill.patient_id,
            "refunds": ledger.bill_refunds(bill),
        },
    )


@role_required(CASHIER)
@require_POST
def settle(request, pk):
    bill = _bill(pk)
    current = desk_get(request.session)
    if current is None or current.patient.pk != bill.patient_id:
        messages.error(request, "请先刷该患者的医保码、身份证或社保卡。")
        return redirect("window:bill", pk=pk)
    try:
        outcome = services.window_settle(bill=bill, medium=current.medium, opter=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("window:bill", pk=pk)
    if outcome.status == "settled":
        messages.success(request, "结算成功。")
        return redirect("window:receipt", pk=pk)
    if outcome.status == "unknown":
        messages.warning(request, UNKNOWN)
    else:
        messages.error(request, f"医保未予结算：{outcome.message}")
    return redirect("window:bill", pk=pk)


@role_required(CASHIER)
@require_POST
def refund(request, pk):
    bill = _bill(pk)
    try:
        text = services.window_refund(bill=bill, reason=request.POST.get("reason", ""), by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, text)
    return redirect("window:bill", pk=pk)


@role_required(CASHIER)
def receipt(request, pk):
    """挂号凭条 / 结算单, for the printer."""
    bill = _bill(pk)
    order = RegistrationOrder.objects.filter(bill=bill).select_related("schedule__doctor__department").first()
    return render(
        request,
        "window/receipt.html",
        {
            "bill": bill,
            "order": order,
            "items": bill.items.all(),
            "settlement": bill.settlement,
            "tips": (bill.settlement_reply or {}).get("common_tip_list", []),
            "state": ledger.bill_gateway_state(bill),
        },
    )


def signed(request):
    """Where the platform's signing page sends the patient's phone back."""
    return render(request, "window/signed.html")
