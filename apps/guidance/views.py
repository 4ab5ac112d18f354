from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.roles import CASHIER, FINANCE, role_required
from apps.guidance.models import DeliveryState
from apps.guidance.selectors import undelivered_messages
from apps.guidance.services import message_retry


@role_required(CASHIER, FINANCE)
def outbox_list(request):
    return render(request, "guidance/outbox.html", {"outbox": undelivered_messages()[:200]})


@role_required(CASHIER, FINANCE)
@require_POST
def outbox_retry(request, message_id):
    message = message_retry(message_id=message_id)
    if message.state == DeliveryState.DELIVERED:
        messages.success(request, f"消息 {message.med_org_ord} 已送达平台。")
    else:
        messages.error(request, f"消息 {message.med_org_ord} 仍未送达：{message.last_error}")
    return redirect("guidance:outbox")
