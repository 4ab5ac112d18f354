import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.core import pii
from apps.core.errors import ApplicationError
from apps.core.roles import CASHIER, DOCTOR, FINANCE, has_role, role_required
from apps.outpatient import platform_link, selectors, services
from apps.outpatient.models import Department, Doctor, OrderState, RegistrationOrder, Schedule


def _bookable(department_code: str):
    return (
        Schedule.objects.open_for_booking()
        .select_related("doctor__department")
        .filter(doctor__department__code=department_code, booked__lt=F("capacity"))
        .order_by("date", "period", "doctor__code")
    )


def _order(token: str) -> RegistrationOrder:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        RegistrationOrder.objects.select_related("patient", "schedule__doctor__department"), token=token
    )


PLATFORM_IDENTITY = "platform_identity"


def _platform_identity(request) -> dict | None:
    """The identity a platform link brought (kept encrypted in the session), which the form may not change."""
    stored = request.session.get(PLATFORM_IDENTITY)
    return json.loads(pii.decrypt(stored)) if stored else None


@never_cache
@require_GET
def platform_entry(request):
    """The platform's registration link: check its signature, keep the identity, then a clean address at once."""
    try:
        identity = platform_link.link_read(request.GET)
    except platform_link.LinkRefused as exc:
        request.session.pop(PLATFORM_IDENTITY, None)
        messages.warning(request, f"{exc}，请自行填写就诊人信息。")
    else:
        request.session[PLATFORM_IDENTITY] = pii.encrypt(
            json.dumps({"name": identity.psn_name, "certno": identity.cert_no}, ensure_ascii=False)
        )
        messages.info(request, "已由先医后付平台带入就诊人信息。")
    response = redirect("outpatient:register")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def register(request):
    """The patient's registration form: department, then a session, then name and 身份证号."""
    departments = Department.objects.all()
    department = request.POST.get("dept") or request.GET.get("dept") or ""
    identity = _platform_identity(request)
    form = {"name": "", "certno": "", "schedule": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip()[:40] for k in form}
    if identity:
        form |= {"name": identity["name"], "certno": identity["certno"]}
    if request.method == "POST":
        try:
            schedule_id = int(form["schedule"])
        except ValueError:
            messages.error(request, "请选择就诊时段")
        else:
            try:
                order = services.order_create(name=form["name"], certno=form["certno"], schedule_id=schedule_id)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                return _proceed(request, order)
    slots = _bookable(department) if department else []
    dates = sorted({s.date for s in slots})
    chosen = request.POST.get("date") or request.GET.get("date") or ""
    day = next((d for d in dates if d.isoformat() == chosen), dates[0] if dates else None)
    return render(
        request,
        "outpatient/register.html",
        {
            "departments": departments,
            "department": department,
            "dates": dates,
            "day": day,
            "slots": [s for s in slots if s.date == day],
            "form": form,
            "locked": identity is not None,
        },
    )


@never_cache
@require_GET
def order_page(request, token):
    order = services.order_expire_check(order=_order(token))
    page_url = settings.PORTAL_BASE_URL + reverse("outpatient:order", args=[order.token])
    return render(request, "outpatient/order.html", {"order": order, "OrderState": OrderState, "page_url": page_url})


@require_POST
def order_go(request, token):
    """Sign or pay: the platform's page is the next stop, or this page again with a reason."""
    return _proceed(request, _order(token))


@require_GET
def order_signed(request, token):
    """The browser is back from the platform's signing page. Ask the platform again; the URL proves nothing."""
    return _proceed(request, _order(token), after_signing=True)


@require_POST
def order_cancel(request, token):
    """The patient gives up an unpaid order (e.g. she does not want to sign); her place is given back."""
    order = _order(token)
    try:
        services.order_cancel(order=order)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, "本次挂号已取消，号源已释放。")
    return redirect("outpatient:order", token=token)


@require_GET
def order_return(request, token):
    """The platform's return (backUrl?status=…&access_code=…): check with 附录四, then a clean address at once."""
    order = _order(token)
    try:
        text = services.order_handle_return(order=order, access_code=request.GET.get("access_code", ""))
    except ApplicationError as exc:
        text = exc.message
    order.refresh_from_db(fields=["state"])
    if order.state != OrderState.PAID:  # the paid page says so itself
        messages.info(request, text)
    response = redirect("outpatient:order", token=token)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _proceed(request, order, *, after_signing=False):
    """The platform's page is the next stop, or the order page again with a reason."""
    try:
        step = services.order_proceed(order=order, after_signing=after_signing)
    except ApplicationError as exc:
        step = services.Step(message=exc.message)
    if step.redirect_to:
        return redirect(step.redirect_to)
    if step.message:
        messages.warning(request, step.message)
    return redirect("outpatient:order", token=order.token)


# --- Staff -----------------------------------------------------------------------------------------------------


@role_required(CASHIER, DOCTOR, FINANCE)
def registrations(request):
    """The visits of a day (today unless another date is chosen), within the departments the user may see."""
    try:
        day = parse_date(request.GET.get("date", "")) or timezone.localdate()
    except ValueError:  # a well-formed but impossible date, e.g. 2026-02-30
        day = timezone.localdate()
    departments = selectors.departments_visible_to(request.user)
    department = request.GET.get("dept", "")
    if department not in {d.code for d in departments}:
        department = ""
    doctor = request.GET.get("doctor", "")
    state = request.GET.get("state", "")
    orders = selectors.orders_on(
        day,
        departments=departments,
        department=department or None,
        doctor=doctor or None,
        state=state if state in OrderState.values else None,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outpatient/registrations.html",
        {
            # A busy day has thousands of visits: a page at a time, in the order patients will be seen.
            "page": Paginator(orders, 50).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "day": day,
            "is_today": day == timezone.localdate(),
            "departments": departments,
            "doctors": Doctor.objects.filter(department__in=departments),
            "states": OrderState.choices,
            "dept": department,
            "doctor": doctor,
            "state": state,
        },
    )


@role_required(CASHIER, DOCTOR, FINANCE)
def registration_detail(request, pk):
    order = get_object_or_404(
        RegistrationOrder.objects.select_related("patient", "schedule__doctor__department", "bill__settlement"),
        pk=pk,
    )
    refunds = list(selectors.order_refunds(order=order))
    exchanges = selectors.order_trail(order=order)
    return render(
        request,
        "outpatient/registration_detail.html",
        {
            "order": order,
            "history": order.history.select_related("history_user").order_by("history_date"),
            "exchanges": exchanges,
            "can_cancel": order.is_unpaid and has_role(request.user, CASHIER),
            "bill": order.bill,
            "settlement": order.bill.settlement if order.bill else None,
            "can_refund": order.state == OrderState.PAID
            and order.bill
            and order.bill.settlement_id
            and has_role(request.user, CASHIER),
            "refunds": refunds,
        },
    )


@role_required(CASHIER)
@require_POST
def registration_cancel(request, pk):
    order = get_object_or_404(RegistrationOrder, pk=pk)
    try:
        services.order_cancel(order=order, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"订单 {order.trace_no} 已取消，号源已释放。")
    return redirect("outpatient:registration_detail", pk=pk)


@role_required(CASHIER)
@require_POST
def registration_refund(request, pk):
    order = get_object_or_404(RegistrationOrder, pk=pk)
    try:
        text = services.order_refund(order=order, reason=request.POST.get("reason", ""), by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, text)
    return redirect("outpatient:registration_detail", pk=pk)
