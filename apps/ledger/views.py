from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from apps.core.roles import CASHIER, FINANCE, role_required
from apps.ledger import selectors
from apps.ledger.models import Kind, Status


@role_required(FINANCE, CASHIER)
def movement_list(request):
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if "start" not in request.GET and "end" not in request.GET:
        start = end = timezone.localdate()  # today's money unless asked otherwise (the table holds years)
    movements = selectors.movements(
        kind=kind if kind in Kind.values else "",
        status=status if status in Status.values else "",
        start=start,
        end=end,
    )
    totals = selectors.movement_totals(movements)
    paginator = Paginator(movements, 50)
    paginator.count = totals["count"]  # the totals counted the rows already: not a second pass over them
    page = paginator.get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "ledger/movements.html",
        {
            "page": page,
            "totals": totals,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "kind": kind,
            "status": status,
            "start": start,
            "end": end,
            "filters": filters.urlencode(),
        },
    )


def _date(text):
    try:
        return parse_date(text or "")
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None
