"""Finance's screens: upload (imported by the worker, progress on the page), the day, the discrepancy list with
filters, a note (who, when; no money changed), CSV and Excel exports."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.ledger.models import MoneyMovement
from apps.reconciliation import jobs, tasks
from apps.reconciliation.models import Category, CheckFile, Discrepancy, DiscrepancyNote, FileState
from tests.reconciliation.files import build, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(monkeypatch):
    """Run queued imports at once, as the worker would."""
    monkeypatch.setattr(jobs, "import_later", lambda file_id: tasks.import_stored_task(file_id))


def test_finance_uploads_reviews_explains_and_exports(login, book, worker):
    client = login("finance")
    today = timezone.localdate().isoformat()
    book("ORD1", "12.30")
    book("ORD3", "8.00")
    content = build([line("ORD1", "12.30", when=f"{today} 09:00:00"), line("ORD2", "1.00", when=f"{today} 09:00:00")])
    response = client.post(
        reverse("reconciliation:upload"), {"date": today, "file": SimpleUploadedFile("day.txt", content)}, follow=True
    )
    assert response.status_code == 200
    file = CheckFile.objects.get(state=FileState.CURRENT)
    assert file.source == "upload" and file.received_by.username == "finance" and file.progress == 2
    page = response.content.decode()
    assert "本院无记录" in page and "平台无记录" in page
    assert "页面上传（陈静）" in page  # who uploaded it, family name first

    listing = client.get(reverse("reconciliation:discrepancies", args=[today]), {"category": "missing_local"})
    assert "ORD2" in listing.content.decode() and "ORD3" not in listing.content.decode()

    target = Discrepancy.objects.get(category=Category.MISSING_PLATFORM)
    money_before = list(MoneyMovement.objects.values_list("pk", "amount"))
    client.post(reverse("reconciliation:explain", args=[target.pk]), {"text": "平台次日入账，已核实"})
    note = DiscrepancyNote.objects.get()
    assert note.author.username == "finance" and note.discrepancy == target
    assert "陈静" in client.get(reverse("reconciliation:explain", args=[target.pk])).content.decode()
    assert list(MoneyMovement.objects.values_list("pk", "amount")) == money_before
    unexplained = client.get(reverse("reconciliation:discrepancies", args=[today]), {"explained": "no"})
    assert ">ORD3<" not in unexplained.content.decode() and ">ORD2<" in unexplained.content.decode()

    exported = client.get(reverse("reconciliation:export", args=[today, "csv"]))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["对账日期", "差异类型", "方向", "订单号"]
    assert sorted(r[3] for r in rows[1:]) == ["ORD2", "ORD3"]
    assert [r[8] for r in rows[1:] if r[3] == "ORD3"] == ["平台次日入账，已核实"]
    workbook = load_workbook(io.BytesIO(client.get(reverse("reconciliation:export", args=[today, "xlsx"])).content))
    assert workbook.active.max_row == 3

    for name in ("reconciliation:index",):
        assert client.get(reverse(name)).status_code == 200


def test_a_refused_upload_shows_why_and_imports_nothing(login, worker):
    client = login("finance")
    today = timezone.localdate().isoformat()
    bad = build([line("A", "1.00"), line("B", "oops")])
    response = client.post(
        reverse("reconciliation:upload"), {"date": today, "file": SimpleUploadedFile("bad.txt", bad)}, follow=True
    )
    assert "第3行：交易金额“oops”不是金额" in response.content.decode()
    file = CheckFile.objects.get()
    assert file.state == FileState.REFUSED and file.lines.count() == 0 and not Discrepancy.objects.exists()


def test_progress_and_roles(login):
    client = login("cashier")
    assert client.get(reverse("reconciliation:index")).status_code in (302, 403)


def test_an_upload_whose_job_never_ran_is_imported_by_the_sweep_and_progress_shows_it(login, book, monkeypatch):
    import datetime

    from apps.reconciliation import services

    monkeypatch.setattr(jobs, "import_later", lambda file_id: None)  # the queue is down
    client = login("finance")
    today = timezone.localdate().isoformat()
    book("ORD1", "12.30")
    content = build([line("ORD1", "12.30", when=f"{today} 09:00:00")])
    client.post(reverse("reconciliation:upload"), {"date": today, "file": SimpleUploadedFile("d.txt", content)})
    file = CheckFile.objects.get()
    assert client.get(reverse("reconciliation:progress", args=[file.pk])).json()["state"] == FileState.RECEIVED
    assert "正在导入对账文件" in client.get(reverse("reconciliation:day", args=[today])).content.decode()
    CheckFile.objects.filter(pk=file.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=10))
    assert services.received_sweep() == 1
    progress = client.get(reverse("reconciliation:progress", args=[file.pk])).json()
    assert progress == {"state": "current", "state_label": "已导入", "progress": 1, "error": ""}
