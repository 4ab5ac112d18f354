"""org_001's inpatient fields (INTERFACES.md section 2), contributed to the patients app's answer through
`apps.patients.registry.account_fields` so that patients never imports this app."""

from django.utils import timezone

from apps.core.money import format_money
from apps.inpatient import selectors
from apps.inpatient.models import Admission, AdmissionState


def inpatient_fields(patient) -> dict:
    """The stay not yet settled, or else the latest one; nothing for a patient never admitted. One query: org_001
    asks this of every patient, most of whom were never admitted. The choice is made here, among the patient's
    few stays, rather than by an ORDER BY that costs more to build than the rows cost to read."""
    stays = sorted(
        Admission.objects.filter(patient=patient).order_by(), key=lambda stay: (stay.begntime, stay.id), reverse=True
    )
    admission = next((stay for stay in stays if stay.state != AdmissionState.SETTLED), stays[0] if stays else None)
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
