from django.core.paginator import Paginator
from django.shortcuts import render

from apps.core.roles import CASHIER, FINANCE, role_required
from apps.ledger import selectors
from apps.ledger.models import Kind, Status


@role_required(FINANCE, CASHIER)
def movement_list(request):
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    movements = selectors.movements(
        kind=kind if kind in Kind.values else "", status=status if status in Status.values else ""
    )
    page = Paginator(movements, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/movements.html",
        {"page": page, "kinds": Kind.choices, "statuses": Status.choices, "kind": kind, "status": status},
    )
