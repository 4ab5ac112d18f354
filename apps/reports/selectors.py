from apps.core.idcard import is_valid_idcard
from apps.patients.selectors import patient_get_by_certno
from apps.reports.models import Report, ReportState

# 附录二's psnCerType is the national 人员证件类型: 01 居民身份证 (not mdtrt_cert_type's 02). The hospital knows its
# patients by 身份证号 only, so another document type matches no one.
PSN_CERT_TYPE_IDCARD = "01"


def patient_for_identity(*, psnCerType: str, certno: str, userName: str):
    """The patient the platform's identity names, or None: a wrong type, number or name reveals nothing."""
    certno = (certno or "").strip().upper()
    if psnCerType != PSN_CERT_TYPE_IDCARD or not is_valid_idcard(certno):
        return None
    patient = patient_get_by_certno(certno)
    if patient is None or patient.name != (userName or "").strip():
        return None
    return patient


def reports_published(*, patient, examTest="", rptBegDate=None, rptEndDate=None, examOrgNode="", examOrgName="",
                      examItemNode="", examItemName=""):  # fmt: skip
    reports = Report.objects.filter(patient=patient, state=ReportState.PUBLISHED).select_related("patient")
    if examTest:
        reports = reports.filter(examTest=examTest)
    if rptBegDate:
        reports = reports.filter(rptDate__gte=rptBegDate)
    if rptEndDate:
        reports = reports.filter(rptDate__lte=rptEndDate)
    if examOrgNode:
        reports = reports.filter(examOrgNode=examOrgNode)
    if examOrgName:
        reports = reports.filter(examOrgName__contains=examOrgName)
    if examItemNode:
        reports = reports.filter(examItemCode=examItemNode)
    if examItemName:
        reports = reports.filter(examItemName__contains=examItemName)
    return reports.order_by("-rptDate", "-id")


def report_published(*, patient, rpotcNo: str, fixmedinsCode: str, examTest: str) -> Report | None:
    return (
        Report.objects.filter(
            patient=patient,
            state=ReportState.PUBLISHED,
            rpotcNo=rpotcNo,
            fixmedinsCode=fixmedinsCode,
            examTest=examTest,
        )
        .prefetch_related("details")
        .first()
    )


def reports_for_staff(*, doctor=None, query: str = "", examTest: str = "", state: str = ""):
    """Reports for the staff screens; with `doctor`, only those of the patients registered with that doctor."""
    reports = Report.objects.select_related("patient")
    if doctor is not None:
        reports = reports.filter(patient__registrations__schedule__doctor=doctor).distinct()
    if query:
        patient = patient_get_by_certno(query.upper()) if is_valid_idcard(query.upper()) else None
        reports = reports.filter(patient=patient) if patient else reports.filter(rpotcNo=query)
    if examTest:
        reports = reports.filter(examTest=examTest)
    if state:
        reports = reports.filter(state=state)
    return reports.order_by("-rptDate", "-id")
