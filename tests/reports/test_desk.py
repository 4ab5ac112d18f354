"""The lab / exam desk: import a CSV file (all or nothing, named errors, idempotent), publish once (the patient is
told), print."""

import pytest

from apps.guidance.models import OutboxMessage
from apps.reports.models import Report, ReportState
from apps.reports.services import COLUMNS, report_publish, reports_import

pytestmark = pytest.mark.django_db


def csv_file(*rows) -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(row.get(name, "") for name in COLUMNS) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


LAB = {"certno": "220104199203150029", "userName": "王芳", "rpotcNo": "JY-T-1", "rptDate": "2026-11-30",
       "examTest": "2", "rpotcTypeCode": "3", "examRpotcName": "肝功能", "examOrgName": "检验科"}  # fmt: skip


def test_a_file_with_mistakes_imports_nothing_and_names_each(demo):
    result = reports_import(raw=csv_file(
        LAB | {"examItemDetlName": "谷丙转氨酶", "examRsltVal": "35"},
        LAB | {"examItemDetlName": "谷草转氨酶", "examRsltVal": "abc", "examRpotcName": "肾功能"},
        LAB | {"rpotcNo": "JY-T-2", "userName": "张伟", "rptDate": "2026-13-01", "examTest": "5",
               "examItemDetlName": "x"},
        LAB | {"rpotcNo": "JY-T-3", "certno": "220104199203150028", "examItemDetlName": "x"},
        LAB | {"rpotcNo": "JY-T-4", "examItemDetlName": ""},
    ))  # fmt: skip
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "examRsltVal"), (3, "examRpotcName"), (4, "rptDate"), (4, "examTest"), (4, "userName"),
            (5, "certno"), (6, "examItemDetlName")} <= found, result.errors  # fmt: skip
    assert result.created == 0 and not Report.objects.filter(rpotcNo__startswith="JY-T").exists()


def test_a_good_file_imports_once_and_publishing_tells_the_patient_once(demo, login):
    raw = csv_file(
        LAB | {"examItemDetlName": "谷丙转氨酶", "examRsltVal": "35", "examUnt": "U/L", "refVal": "9-50"},
        LAB | {"examItemDetlName": "谷草转氨酶", "examRsltVal": "62", "detailRsltAbn": "H"},
    )
    assert reports_import(raw=raw).created == 1
    assert reports_import(raw=raw).created == 0
    report = Report.objects.get(rpotcNo="JY-T-1")
    assert report.state == ReportState.DRAFT and report.details.count() == 2

    client = login("doctor")
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "谷草转氨酶" in page and "220104199203150029" not in page and "打印" in page
    client.post(f"/reports/{report.pk}/publish")
    report_publish(report=report)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    [message] = OutboxMessage.objects.filter(push_type="HOSPITAL_CHECK", med_org_ord="RPTJY-T-1")
    assert message.business == report
    assert login("cashier").get("/reports/").status_code == 403


def test_the_import_page_shows_errors_and_offers_the_template(demo, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("doctor")
    template = client.get("/reports/import/template.csv")
    assert template.status_code == 200 and template.content.decode("utf-8-sig").startswith("certno,userName")
    response = client.post("/reports/import/", {"file": SimpleUploadedFile("r.csv", csv_file(LAB | {"examTest": "9"}))})
    page = response.content.decode()
    assert "未导入任何报告" in page and "examTest" in page


def test_a_report_entered_by_hand_keeps_its_lab_lines_and_names_mistakes(demo, login):
    client = login("doctor")
    form = {
        "certno": "220104199203150029", "userName": "王芳", "rpotcNo": "JY-HAND-1", "rptDate": "2026-11-30",
        "examTest": "2", "rpotcTypeCode": "1", "examRpotcName": "尿常规",
        "details-TOTAL_FORMS": "2", "details-INITIAL_FORMS": "0", "details-MIN_NUM_FORMS": "0",
        "details-MAX_NUM_FORMS": "1000",
        "details-0-examItemDetlCode": "PRO", "details-0-examItemDetlName": "尿蛋白", "details-0-examRsltQual": "阴性",
    }  # fmt: skip
    page = client.post("/reports/new/", form | {"userName": "张伟"}).content.decode()
    assert "姓名与身份证号不一致" in page and not Report.objects.filter(rpotcNo="JY-HAND-1").exists()
    response = client.post("/reports/new/", form)
    report = Report.objects.get(rpotcNo="JY-HAND-1")
    assert response["Location"] == f"/reports/{report.pk}/"
    assert report.state == ReportState.DRAFT and [d.examItemDetlName for d in report.details.all()] == ["尿蛋白"]


@pytest.mark.django_db(transaction=True)
def test_a_treating_doctor_sees_his_patients_reports_first(demo, login, sandbox):
    """The demo doctor is 赵明 (心血管内科): 张伟 registered with him, 王芳 did not."""
    from apps.outpatient.models import Schedule
    from apps.outpatient.services import order_create

    session = Schedule.objects.open_for_booking().filter(doctor__code="D1001").first()
    order_create(name="张伟", certno="220102198805060015", schedule_id=session.pk)
    client = login("doctor")
    mine = client.get("/reports/").content.decode()
    assert "显示在赵明医生处挂号的患者的报告" in mine
    names = {r.patient.name for r in Report.objects.all()}
    assert names >= {"张伟", "王芳"}
    zhang = Report.objects.filter(patient__name="张伟").first().rpotcNo
    wang = Report.objects.filter(patient__name="王芳").first().rpotcNo
    assert zhang in mine and wang not in mine
    every = client.get("/reports/?all=1").content.decode()
    assert zhang in every and wang in every
