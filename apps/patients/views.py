from django.shortcuts import render

from apps.core.roles import CASHIER, DOCTOR, role_required
from apps.patients.selectors import patient_search


@role_required(CASHIER, DOCTOR)
def patient_search_view(request):
    query = request.GET.get("q", "").strip()[:40]
    patients = list(patient_search(query)) if query else []
    return render(request, "patients/search.html", {"query": query, "patients": patients})
