from django.shortcuts import render

from apps.core.idcard import is_valid_idcard
from apps.core.pii import mask_idcard
from apps.core.roles import CASHIER, DOCTOR, role_required
from apps.patients.selectors import patient_search


@role_required(CASHIER, DOCTOR)
def patient_search_view(request):
    # The form posts, so that a typed 身份证号 never lands in a URL (address bar, history, proxy access logs).
    query = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()[:40]
    patients = list(patient_search(query)) if query else []
    # A full 身份证号 is not echoed back into the page: it is shown masked, like every number on screen.
    by_idcard = is_valid_idcard(query)
    context = {
        "query": "" if by_idcard else query,
        "shown_query": mask_idcard(query) if by_idcard else query,
        "patients": patients,
    }
    return render(request, "patients/search.html", context)
