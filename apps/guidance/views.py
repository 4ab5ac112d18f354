from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.roles import CASHIER, DOCTOR, FINANCE, role_required
from apps.guidance import selectors
from apps.guidance.models import DeliveryState, StopState
from apps.guidance.services import message_retry
from apps.guidance.stops import stop_advance

DESK_ROLES = (CASHIER, DOCTOR)  # the pharmacy and the exam desk are staffed by these roles until they have their own
DESK_KINDS = {"pharmacy": "药房取药", "checks": "检查检验"}


@role_required(CASHIER, FINANCE)
def outbox_list(request):
    page = Paginator(selectors.undelivered_messages(), 50).get_page(request.GET.get("page"))
    return render(request, "guidance/outbox.html", {"page": page})


@role_required(CASHIER, FINANCE)
@require_POST
def outbox_retry(request, message_id):
    message = message_retry(message_id=message_id)
    if message.state == DeliveryState.DELIVERED:
        messages.success(request, f"消息 {message.med_org_ord} 已送达平台。")
    else:
        messages.error(request, f"消息 {message.med_org_ord} 仍未送达：{message.last_error}")
    return redirect("guidance:outbox")


@role_required(*DESK_ROLES)
def desk(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in DESK_KINDS else ""
    state = request.GET.get("state", "")
    state = state if state in StopState.values else ""
    context = {
        "stops": selectors.desk_stops(kind=kind, state=state),
        "kinds": DESK_KINDS,
        "kind": kind,
        "states": StopState.choices,
        "state": state,
    }
    return render(request, "guidance/desk.html", context)


@role_required(*DESK_ROLES)
@require_POST
def desk_advance(request, stop_id):
    try:
        stop = stop_advance(stop_id=stop_id, to=request.POST.get("to", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{stop.location} {stop.waiting_num}号：已标记为「{stop.get_state_display()}」，已通知患者。"
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("guidance:desk")
