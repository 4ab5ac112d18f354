from django.core.paginator import Paginator
from django.shortcuts import render

from apps.core.roles import CASHIER, FINANCE, role_required
from apps.ledger.models import Kind, MoneyMovement, Status


@role_required(FINANCE, CASHIER)
def movement_list(request):
    movements = MoneyMovement.objects.select_related("patient")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in Kind.values:
        movements = movements.filter(kind=kind)
    if status in Status.values:
        movements = movements.filter(status=status)
    page = Paginator(movements, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/movements.html",
        {"page": page, "kinds": Kind.choices, "statuses": Status.choices, "kind": kind, "status": status},
    )
