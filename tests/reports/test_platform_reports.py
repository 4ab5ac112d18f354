"""附录二 as the platform calls it: keys spelled exactly as the guide's tables, identity checked without revealing
anything, filters, and refusals that name the field."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.reports.models import Report, ReportState

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = {"psnCerType": "01", "certno": "220102198805060015", "userName": "张伟"}
SEED = Path(settings.BASE_DIR).parent / "shared" / "spec" / "seed" / "000_1429c0df999c46cd.txt"


def appendix_two_tables() -> dict[str, list[str]]:
    """The parameter codes of each table of 附录二, read from the guide itself."""
    text = SEED.read_text(encoding="utf-8")
    text = text[text.index("附录二：") : text.index("附录三：")]
    marks = {
        "list_in": "1.1.输入", "list_out": "1.2.输出", "list_item": "reportlist说明", "detail_in": "2.1.输入",
        "detail_out": "2.2.输出", "check": "节点标识：checkReportDetails",
        "info": "节点标识：inspectionReportInformation",
        "details": "节点标识：inspectionDetails", "end": "代码值",
    }  # fmt: skip
    positions = sorted((text.index(mark), name) for name, mark in marks.items())
    tables = {}
    for (start, name), (end, _) in zip(positions, positions[1:], strict=False):
        tables[name] = re.findall(r"^\s*([a-z][a-zA-Z_]+)\s*$", text[start:end], flags=re.MULTILINE)
    return tables


@pytest.fixture
def reports(platform, demo):
    return platform


def test_the_guide_tables_are_read(reports):
    tables = appendix_two_tables()
    assert "rpotcNo" in tables["list_item"] and "examCcls" in tables["list_item"]
    assert {"examMtd", "refVal", "examRsltVal", "reportResource"} <= set(tables["details"])


def test_report_list_has_every_key_of_the_guide(reports):
    tables = appendix_two_tables()
    status, reply = reports("reports/list", ZHANG)
    assert status == 200 and reply["ret_code"] == "00", reply
    assert set(tables["list_out"]) <= set(reply)
    assert len(reply["reportlist"]) == 2
    for item in reply["reportlist"]:
        assert set(item) == set(tables["list_item"]), set(item) ^ set(tables["list_item"])


def test_report_details_have_every_key_of_the_guide(reports):
    tables = appendix_two_tables()
    listed = {item["examTest"]: item for item in reports("reports/list", ZHANG)[1]["reportlist"]}
    for exam_test, item in listed.items():
        status, reply = reports(
            "reports/detail",
            ZHANG | {"rpotcNo": item["rpotcNo"], "fixmedinsCode": item["fixmedinsCode"], "examTest": exam_test},
        )
        assert reply["ret_code"] == "00", reply
        if exam_test == "1":
            assert set(reply["checkReportDetails"]) == set(tables["check"])
            assert "inspectionDetails" not in reply
        else:
            assert set(reply["inspectionReportInformation"]) == set(tables["info"])
            assert len(reply["inspectionDetails"]) == 4
            for line in reply["inspectionDetails"]:
                assert set(line) == set(tables["details"])
            hgb = next(line for line in reply["inspectionDetails"] if line["examItemDetlName"] == "血红蛋白")
            assert (hgb["examRsltVal"], hgb["examUnt"], hgb["refVal"], hgb["examRsltAbn"]) == (
                "126.0000", "g/L", "130-175", "L",
            )  # fmt: skip


def test_someone_else_s_identity_learns_nothing(reports):
    zhang_report = Report.objects.filter(patient__name="张伟", examTest="2").get()
    for identity in (
        ZHANG | {"userName": "王芳"},
        ZHANG | {"psnCerType": "02"},
        ZHANG | {"certno": "220104199203150029"},
    ):
        assert reports("reports/list", identity)[1] == {"ret_code": "00", "ret_msg": "成功", "reportlist": []}
        asked = identity | {"rpotcNo": zhang_report.rpotcNo, "fixmedinsCode": settings.ORG_CODE, "examTest": "2"}
        missing = identity | {"rpotcNo": "NO-SUCH", "fixmedinsCode": settings.ORG_CODE, "examTest": "2"}
        assert reports("reports/detail", asked)[1] == reports("reports/detail", missing)[1] == {
            "ret_code": "02", "ret_msg": "未找到该报告",
        }  # fmt: skip


def test_filters_and_refusals(reports):
    day = Report.objects.first().rptDate.isoformat()
    assert len(reports("reports/list", ZHANG | {"examTest": "2"})[1]["reportlist"]) == 1
    assert len(reports("reports/list", ZHANG | {"rptBegDate": day, "rptEndDate": day})[1]["reportlist"]) == 2
    assert reports("reports/list", ZHANG | {"rptBegDate": "2099-01-01"})[1]["reportlist"] == []
    assert len(reports("reports/list", ZHANG | {"examOrgName": "放射"})[1]["reportlist"]) == 1
    Report.objects.filter(examTest="1").update(state=ReportState.DRAFT)
    assert len(reports("reports/list", ZHANG)[1]["reportlist"]) == 1, "a draft is not shown to the platform"

    status, reply = reports("reports/list", ZHANG | {"rptBegDate": "2026/11/30"})
    assert (status, reply["ret_code"]) == (200, "02") and "rptBegDate" in reply["ret_msg"]
    status, reply = reports("reports/list", ZHANG | {"examTest": "3"})
    assert reply["ret_code"] == "02" and "examTest" in reply["ret_msg"]
    status, reply = reports("reports/detail", ZHANG | {"rpotcNo": "X", "fixmedinsCode": "Y"})
    assert reply["ret_code"] == "02" and "examTest" in reply["ret_msg"]
    assert "result" not in reply  # 附录二's envelope is ret_code / ret_msg only
