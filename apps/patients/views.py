from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core import pii
from apps.core.errors import ApplicationError
from apps.core.idcard import is_valid_idcard
from apps.core.roles import CASHIER, DOCTOR, role_required
from apps.patients.models import Patient
from apps.patients.selectors import patient_search
from apps.patients.services import patient_sign_refresh, patient_sign_url


@role_required(CASHIER, DOCTOR)
def patient_search_view(request):
    # Posted and kept in the session, so that a 身份证号 typed by the cashier never sits in a URL or access log;
    # encrypted there, because session rows are readable by anyone who can read the database.
    if request.method == "POST":
        request.session["patient_query"] = pii.encrypt(request.POST.get("q", "").strip()[:40])
        return redirect("patients:search")
    stored = request.session.get("patient_query")
    query = pii.decrypt(stored) if stored else ""
    patients = list(patient_search(query)) if query else []
    # A full 身份证号 is not echoed back into the page: it is shown masked, like every number on screen.
    by_idcard = is_valid_idcard(query)
    context = {
        "query": "" if by_idcard else query,
        "shown_query": pii.mask_idcard(query) if by_idcard else query,
        "patients": patients,
        "sign_link": request.session.pop("sign_link", None),
    }
    return render(request, "patients/search.html", context)


@role_required(CASHIER)
@require_POST
def patient_sign_check(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    try:
        signed = patient_sign_refresh(patient=patient)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{patient.name_masked}：{'已签约' if signed else '未签约'}")
    return redirect("patients:search")


@role_required(CASHIER)
@require_POST
def patient_sign_send(request, pk):
    """The signing link for the patient to open on their phone; the platform returns them to a thank-you page."""
    patient = get_object_or_404(Patient, pk=pk)
    try:
        url = patient_sign_url(patient=patient, back_url=settings.PORTAL_BASE_URL + reverse("patients:signed"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if url is None:
            messages.info(request, f"{patient.name_masked} 已签约先医后付，无需再签。")
        else:
            request.session["sign_link"] = {"name": patient.name_masked, "url": url}
    return redirect("patients:search")


def patient_signed(request):
    return render(request, "patients/signed.html")
