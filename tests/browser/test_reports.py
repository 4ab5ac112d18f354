"""Guide section 10 in a real browser: the desk imports a lab report, publishes it, and the patient's phone (the
sandbox platform) shows the message; the platform then reads it through 附录二."""

import re

import pytest

from apps.guidance.services import messages_deliver_due
from apps.reports.models import Report, ReportState
from apps.reports.services import COLUMNS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_publishes_a_report_and_the_phone_shows_it(page, sandbox, demo, tmp_path, platform):
    base = sandbox.url
    row = {"certno": "220104199203150029", "userName": "王芳", "rpotcNo": "JY-BROWSER-1", "rptDate": "2026-11-30",
           "examTest": "2", "rpotcTypeCode": "3", "examRpotcName": "肝功能", "examOrgName": "检验科",
           "examItemDetlName": "谷丙转氨酶", "examRsltVal": "35", "examUnt": "U/L", "refVal": "9-50"}  # fmt: skip
    upload = tmp_path / "reports.csv"
    upload.write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(name, "") for name in COLUMNS) + "\n")

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", "demo-pass-2026")
    page.get_by_role("button", name=re.compile("登录")).click()
    page.goto(f"{base}/reports/import/")
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="导入").click()
    assert "新建 1 份" in page.locator("main").inner_text()

    page.goto(f"{base}/reports/?state=draft&all=1")
    page.get_by_role("link", name="JY-BROWSER-1").click()
    assert "谷丙转氨酶" in page.locator("main").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布并通知患者").click()
    page.wait_for_selector("text=已发布，已通知患者")
    assert Report.objects.get(rpotcNo="JY-BROWSER-1").state == ReportState.PUBLISHED

    assert messages_deliver_due() == 1
    page.goto(f"{base}/sandbox/paylater/phone/")
    wang = page.locator("select[name=person] option", has_text="王").first.get_attribute("value")
    page.select_option("select[name=person]", wang)
    page.get_by_role("button", name="切换").click()
    assert "肝功能" in page.locator("main").inner_text()

    identity = {"psnCerType": "01", "certno": "220104199203150029", "userName": "王芳", "examTest": "2"}
    listed = platform("reports/list", identity)[1]["reportlist"]
    assert "JY-BROWSER-1" in [item["rpotcNo"] for item in listed]
