"""org_001's inpatient fields (INTERFACES.md section 2), contributed to the patients app's answer through
`apps.patients.registry.account_fields` so that patients never imports this app."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from apps.core.money import format_money
from apps.inpatient import selectors
from apps.inpatient.models import Admission, AdmissionState


def inpatient_fields(patient) -> dict:
    """The stay not yet settled, or else the latest one; nothing for a patient never admitted. One query: org_001
    asks this of every patient, most of whom were never admitted."""
    settled_last = Case(
        When(state=AdmissionState.SETTLED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    admission = Admission.objects.filter(patient=patient).order_by(settled_last, "-begntime", "-id").first()
    if admission is None:
        return {}
    return {
        "ipt_no": admission.ipt_no,
        "disease_area": admission.disease_area,
        "adm_bed": admission.adm_bed,
        "inpatient_total_fee": format_money(selectors.charges_total(admission)),
        "inpatient_start_date": timezone.localtime(admission.begntime).strftime("%Y-%m-%d"),
        "inpatient_end_date": timezone.localtime(admission.endtime).strftime("%Y-%m-%d") if admission.endtime else "",
    }
