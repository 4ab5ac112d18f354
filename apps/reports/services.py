"""Reports: import from the lab / exam desk's CSV file, publish (which tells the patient, HOSPITAL_CHECK)."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.idcard import IdCardError, normalize_idcard
from apps.guidance.services import message_enqueue
from apps.patients.selectors import patient_get_by_certno
from apps.reports.models import ExamTest, InspectionDetail, Report, ReportCategory, ReportState

# The import file's columns: the patient, then 附录二's names. One line per lab detail line (a report's header
# columns repeat on each of its lines); an exam report has one line with the detail columns empty.
HEADER_COLUMNS = [
    "certno", "userName", "rpotcNo", "rptDate", "examTest", "rpotcTypeCode", "examRpotcName", "examOrgNode",
    "examOrgName", "examItemCode", "examItemName", "examRsltPoitFlag", "examRsltAbn", "examCcls", "bilgDrName",
    "rpotDoc",
]  # fmt: skip
DETAIL_COLUMNS = [
    "examItemDetlCode", "examItemDetlName", "examMtd", "refVal", "examUnt", "examRsltVal", "examRsltQual",
    "detailRsltAbn",
]  # fmt: skip
COLUMNS = HEADER_COLUMNS + DETAIL_COLUMNS
LIMITS = {field.name: field.max_length for field in [*Report._meta.fields, *InspectionDetail._meta.fields]}
REQUIRED = ("certno", "userName", "rpotcNo", "rptDate", "examTest", "rpotcTypeCode", "examRpotcName")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self):
        return f"第 {self.row} 行 {self.column}：{self.reason}"


@dataclass(frozen=True)
class ImportResult:
    reports: int
    created: int
    errors: list[RowError]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError("文件编码无法识别（请用 UTF-8 或 GBK）")


def _check_row(number: int, row: dict, errors: list[RowError]) -> dict | None:
    def fail(column, reason):
        errors.append(RowError(number, column, reason))

    values = {name: (row.get(name) or "").strip() for name in COLUMNS}
    for name in REQUIRED:
        if not values[name]:
            fail(name, "必填")
    for name, value in values.items():
        limit = LIMITS.get("examRsltAbn" if name == "detailRsltAbn" else name)
        if limit and len(value) > limit:
            fail(name, f"超过 {limit} 个字符")
    try:
        values["certno"] = normalize_idcard(values["certno"]) if values["certno"] else ""
    except IdCardError as exc:
        fail("certno", str(exc))
    if values["rptDate"]:
        try:
            values["rptDate"] = datetime.date.fromisoformat(values["rptDate"])
        except ValueError:
            fail("rptDate", "日期格式应为 yyyy-MM-dd")
    if values["examTest"] and values["examTest"] not in ExamTest.values:
        fail("examTest", "应为 1（检查报告）或 2（检验报告）")
    if values["rpotcTypeCode"] and values["rpotcTypeCode"] not in ReportCategory.values:
        fail("rpotcTypeCode", "应为 1–7 或 99")
    if values["examRsltVal"]:
        try:
            values["examRsltVal"] = Decimal(values["examRsltVal"])
            if not values["examRsltVal"].is_finite() or abs(values["examRsltVal"]) >= Decimal("1e7"):
                raise InvalidOperation
        except InvalidOperation:
            fail("examRsltVal", "应为数值")
    else:
        values["examRsltVal"] = None
    if values["examTest"] == ExamTest.LAB and not values["examItemDetlName"]:
        fail("examItemDetlName", "检验报告的每一行须有项目明细名称")
    return values


def reports_import(*, raw: bytes) -> ImportResult:
    """Validate every line of a CSV file and create its reports (as drafts), or nothing if any line is wrong.

    A report number already on file is left as it is, so the same file twice creates nothing new.
    """
    text = _decode(raw)
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise ApplicationError(f"文件缺少列：{'、'.join(missing)}（请使用模板）")
    errors: list[RowError] = []
    grouped: dict[str, list[tuple[int, dict]]] = {}
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        values = _check_row(number, row, errors)
        grouped.setdefault(values["rpotcNo"], []).append((number, values))
    patients = {}
    for rpotc_no, rows in grouped.items():
        number, first = rows[0]
        for other_number, other in rows[1:]:
            for name in HEADER_COLUMNS:
                if other[name] != first[name]:
                    errors.append(RowError(other_number, name, f"与第 {number} 行同一报告单号的表头不一致"))
        if first["certno"] and not any(e.row == number and e.column == "certno" for e in errors):
            patient = patient_get_by_certno(first["certno"])
            if patient is None:
                errors.append(RowError(number, "certno", "本院没有该患者"))
            elif patient.name != first["userName"]:
                errors.append(RowError(number, "userName", "姓名与身份证号不一致"))
            patients[rpotc_no] = patient
    if errors:
        return ImportResult(reports=len(grouped), created=0, errors=sorted(errors, key=lambda e: (e.row, e.column)))
    created = 0
    with transaction.atomic():
        existing = set(Report.objects.filter(rpotcNo__in=list(grouped)).values_list("rpotcNo", flat=True))
        for rpotc_no, rows in grouped.items():
            if rpotc_no in existing:
                continue
            header = rows[0][1]
            report = Report.objects.create(
                patient=patients[rpotc_no], **{name: header[name] for name in HEADER_COLUMNS[2:]}
            )
            if header["examTest"] == ExamTest.LAB:
                InspectionDetail.objects.bulk_create(
                    InspectionDetail(
                        report=report,
                        examRsltAbn=values["detailRsltAbn"],
                        **{name: values[name] for name in DETAIL_COLUMNS if name != "detailRsltAbn"},
                    )
                    for _, values in rows
                )
            created += 1
    return ImportResult(reports=len(grouped), created=created, errors=[])


def report_create(*, report: Report, details) -> Report:
    """Save a report entered at the desk (validated by its form) with its lab lines; an exam report keeps none."""
    with transaction.atomic():
        report.save()
        if report.examTest == ExamTest.LAB:
            details.instance = report
            details.save()
    return report


def _check_message(report: Report) -> dict:
    """AMP_HOS_001 HOSPITAL_CHECK: the report is out (INTERFACES.md 1.4)."""
    patient = report.patient
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": patient.name,
        "idType": patient.mdtrt_cert_type,
        "idNo": patient.certno,
        "medOrgOrd": f"RPT{report.rpotcNo}"[:64],
        "pushType": "HOSPITAL_CHECK",
        "appType": "01",
        "checkItem": f"{report.get_examTest_display()}：{report.examRpotcName}已出",
        "deptName": report.examOrgName,
        "deptCode": report.examOrgNode,
        "createTime": now,
        "updateTime": now,
    }


def report_publish(*, report: Report) -> Report:
    """Make the report visible to the platform (附录二) and tell the patient, once."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("patient").get(pk=report.pk)
        if report.state == ReportState.PUBLISHED:
            return report
        report.state = ReportState.PUBLISHED
        report.published_at = timezone.now()
        report.save(update_fields=["state", "published_at"])
        message_enqueue(body=_check_message(report), business=report)
    return report
