"""The platform's browser pages: signing, cashier, the patient's phone, and the sandbox's own index.

The query string is the hospital's; nothing here trusts an amount from the browser: the cashier re-reads the
bill from the portal (org_002) when the patient confirms.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.pii import mask_idcard, mask_name
from apps.sandbox.models import Fault, FaultMode, Person
from apps.sandbox.paylater import services
from apps.sandbox.paylater.models import AccessCode, Payment, PushedMessage, Refund
from apps.sandbox.paylater.services import Refusal
from apps.sandbox.people import ec_token, ensure_demo_people

INDEX = "sandbox:sandbox_paylater:index"


def _refused(request, exc: Refusal):
    return render(request, "sandbox/paylater/refused.html", {"message": exc.message}, status=400)


def _who(person: Person) -> dict:
    return {"name": mask_name(person.name), "certno": mask_idcard(person.certno)}


@require_http_methods(["GET", "POST"])
def sign(request):
    params = request.POST if request.method == "POST" else request.GET
    try:
        link = services.sign_link_get(params.get("querySign"))
        back_url = services.back_url_checked(params.get("backUrl"))
    except Refusal as exc:
        return _refused(request, exc)
    if request.method == "POST":
        agree = request.POST.get("decision") == "agree"
        services.sign_decide(link, agree=agree)
        if back_url:
            return redirect(back_url)
        return render(request, "sandbox/paylater/sign_done.html", {"agree": agree})
    context = {"link": link, "who": _who(link.person), "back_url": back_url, "signed": link.person.signed}
    return render(request, "sandbox/paylater/sign.html", context)


def _result(request, outcome: services.PayOutcome, back_url: str):
    back_link = ""
    if back_url:
        params = {"status": 1, "access_code": outcome.access_code} if outcome.access_code else {"status": 0}
        back_link = services.back_url_with(back_url, **params)
    return render(request, "sandbox/paylater/result.html", {"outcome": outcome, "back_link": back_link})


@require_http_methods(["GET", "POST"])
def cashier(request):
    params = request.POST if request.method == "POST" else request.GET
    try:
        link = services.cashier_link_get(params.get("queryStr"))
        back_url = services.back_url_checked(params.get("backUrl"))
    except Refusal as exc:
        return _refused(request, exc)
    if request.method == "POST":
        outcome = services.cashier_pay(link)
        if back_url and not outcome.already:
            params = {"status": 1, "access_code": outcome.access_code} if outcome.access_code else {"status": 0}
            return redirect(services.back_url_with(back_url, **params))
        return _result(request, outcome, back_url)
    payment = services.order_payment(org_code=link.org_code, org_trace_no=link.trace_no)
    if payment is not None:
        return _result(request, services.PayOutcome(payment=payment, already=True), "")
    try:
        checkout = services.cashier_checkout(link)
    except Refusal as exc:
        return _result(request, services.PayOutcome(error=exc.message), back_url)
    context = {
        "token": link.token,
        "back_url": back_url,
        "who": _who(link.person),
        "checkout": checkout,
        "items": checkout.bill.get("rxlist") or [],
    }
    return render(request, "sandbox/paylater/cashier.html", context)


def _message_card(message: PushedMessage, paid_orders: set) -> dict:
    body = message.body
    return {
        "id": message.pk,
        "kind": services.PUSH_TYPES.get(message.push_type, message.push_type),
        "status": services.ORDER_STATUSES.get(message.order_status, message.order_status),
        "app_type": services.APP_TYPES.get(body.get("appType", ""), ""),
        "body": body,
        "received_at": message.received_at,
        "payable": services.message_awaits_payment(message)
        and (message.org_code, body["orgTraceNo"]) not in paid_orders,
        "has_detail": services.message_has_detail(message),
    }


@require_GET
def phone(request):
    ensure_demo_people()
    people = list(Person.objects.order_by("pk"))
    chosen = next((p for p in people if str(p.pk) == request.GET.get("person")), people[0] if people else None)
    cards = []
    if chosen is not None:
        messages_in = list(PushedMessage.objects.filter(person=chosen))
        # Paid, or closed by the hospital (withdrawn, expired): no longer payable from the phone.
        paid = set(Payment.objects.filter(person=chosen).values_list("org_code", "org_trace_no"))
        paid |= {(m.org_code, m.body.get("orgTraceNo")) for m in messages_in if m.order_status == "MERCHANT_CLOSED"}
        cards = [_message_card(m, paid) for m in messages_in]
    choices = [{"pk": p.pk, "label": str(p), "selected": p == chosen} for p in people]
    context = {"choices": choices, "chosen": chosen, "cards": cards, "ec_token": ec_token(chosen) if chosen else ""}
    return render(request, "sandbox/paylater/phone.html", context)


@require_POST
def phone_pay(request):
    message_id = request.POST.get("message", "")
    try:
        if not message_id.isdigit():
            raise Refusal("消息编号无效")
        outcome = services.phone_pay(message_id=int(message_id))
    except Refusal as exc:
        return _refused(request, exc)
    return _result(request, outcome, "")


@require_GET
def phone_detail(request):
    message_id = request.GET.get("message", "")
    try:
        if not message_id.isdigit():
            raise Refusal("消息编号无效")
        detail = services.phone_detail(message_id=int(message_id))
    except Refusal as exc:
        return _refused(request, exc)
    person = PushedMessage.objects.get(pk=int(message_id)).person_id
    return render(request, "sandbox/paylater/detail.html", {"detail": detail, "person": person})


@require_GET
def index(request):
    codes = [
        {"masked": f"{c.code[:4]}…{c.code[-4:]}", "order": c.payment.org_trace_no, "issued_at": c.issued_at}
        for c in AccessCode.objects.select_related("payment")[:20]
    ]
    context = {
        "payments": [{"p": p, "who": _who(p.person)} for p in Payment.objects.select_related("person", "refund")[:20]],
        "refunds": Refund.objects.select_related("payment")[:20],
        "codes": codes,
        "messages_in": [
            {"m": m, "who": _who(m.person), "kind": services.PUSH_TYPES.get(m.push_type, m.push_type)}
            for m in PushedMessage.objects.select_related("person")[:20]
        ],
        "faults": Fault.objects.filter(party="paylater"),
        "interfaces": services.FAULT_INTERFACES + services.CALLBACK_INTERFACES,
        "modes": FaultMode.choices,
    }
    return render(request, "sandbox/paylater/index.html", context)


@require_POST
def fault_add(request):
    try:
        remaining = int(request.POST["remaining"]) if request.POST.get("remaining") else None
        delay = float(request.POST.get("delay_seconds") or 2.0)
        if request.POST.get("mode") not in FaultMode.values or (remaining is not None and remaining < 1):
            raise ValueError
        services.fault_set(
            interface=request.POST.get("interface", ""),
            mode=request.POST["mode"],
            remaining=remaining,
            delay_seconds=delay,
        )
    except ValueError:
        messages.error(request, "故障设置无效：请检查故障类型、次数（≥1）与延迟秒数")
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已设置故障")
    return redirect(INDEX)


@require_POST
def fault_remove(request, fault_id: int):
    services.fault_clear(fault_id=fault_id)
    messages.success(request, "已清除故障")
    return redirect(INDEX)


@require_POST
def check_file_plant(request):
    try:
        bill_date = datetime.date.fromisoformat(request.POST.get("bill_date", ""))
        plant = services.check_file_plant(org_code=settings.ORG_CODE, bill_date=bill_date)
    except ValueError:
        messages.error(request, "请选择日期")
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已为 {bill_date} 植入差异：漏列 {plant.omit}，金额+1.00 {plant.amount_changed}，"
            f"状态改为已关闭 {plant.state_changed}，多出 {plant.extra}",
        )
    return redirect(INDEX)


@require_POST
def org_003_resend(request, payment_id: int):
    try:
        delivered = services.org_003_resend(payment_id)
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        if delivered:
            messages.success(request, "org_003 已重新回写，医院已确认")
        else:
            messages.error(request, "org_003 重发失败，详见列表中的错误")
    return redirect(INDEX)
