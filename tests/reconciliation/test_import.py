"""Import and match (CONTRACT.md section 6): every category, payments and refunds; all-or-nothing; the same file
again changes nothing; a different file replaces the day's, keeping the earlier one."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.ledger.models import Status
from apps.reconciliation.models import Category, CheckFile, CheckLine, Discrepancy, FileChunk, FileState
from tests.reconciliation.files import build, line

pytestmark = pytest.mark.django_db


def when(hour=10):
    return f"{timezone.localdate():%Y-%m-%d} {hour:02d}:00:00"


@pytest.fixture
def ledger(book):
    paid = book("ORD1", "12.30")
    book("ORD3", "8.00")  # the platform does not list it
    book("ORD4", "50.00")  # the platform says 55.00
    book("ORD5", "20.00", status=Status.UNKNOWN)  # the platform says SUCCESS
    book("RF101", "-12.30", refunds=paid)
    return paid


def day_file(**form) -> bytes:
    rows = [
        line("ORD1", "12.30", when=when()),
        line("ORD2", "9.90", when=when()),  # not in the ledger
        line("ORD4", "55.00", when=when()),
        line("ORD5", "20.00", when=when()),
        line("RF101", "-12.30", when=when(11)),
        line("RF999", "-3.00", when=when(11)),  # a refund the ledger does not know
    ]
    return build(rows, **form)


def run(path, *args) -> tuple[dict, str]:
    out = io.StringIO()
    call_command("import_check_file", str(path), *args, stdout=out)
    text = out.getvalue().strip().splitlines()
    return json.loads(text[-1]), out.getvalue()


def test_every_category_for_payments_and_refunds(ledger, tmp_path):
    path = tmp_path / "day.txt"
    path.write_bytes(day_file(sep="|", encoding="gbk", newline="\r\n"))
    summary, _ = run(path)
    assert summary == {
        "date": timezone.localdate().isoformat(), "lines": 6, "matched": 2, "missing_local": 2,
        "missing_platform": 1, "amount_mismatch": 1, "status_mismatch": 1,
    }  # fmt: skip
    found = {(d.category, d.order_no, d.direction) for d in Discrepancy.objects.all()}
    assert found == {
        (Category.MISSING_LOCAL, "ORD2", "payment"), (Category.MISSING_LOCAL, "RF999", "refund"),
        (Category.MISSING_PLATFORM, "ORD3", "payment"), (Category.AMOUNT_MISMATCH, "ORD4", "payment"),
        (Category.STATUS_MISMATCH, "ORD5", "payment"),
    }  # fmt: skip
    amount = Discrepancy.objects.get(category=Category.AMOUNT_MISMATCH)
    assert (str(amount.platform_amount), str(amount.local_amount)) == ("55.00", "50.00")
    status = Discrepancy.objects.get(category=Category.STATUS_MISMATCH)
    assert (status.platform_status, status.local_status) == ("SUCCESS", Status.UNKNOWN)
    # Only the lines that disagree are kept, each with every field as the platform wrote it (read again).
    kept = {x.order_no: x for x in CheckLine.objects.all()}
    assert sorted(kept) == ["ORD2", "ORD4", "ORD5", "RF999"]
    refund = kept["RF999"]
    assert (refund.line_no, refund.amount, refund.bank_refund_sn, refund.description) == (
        7, Decimal("-3.00"), "SNRF999", "退款成功",
    )  # fmt: skip
    assert timezone.localtime(refund.traded_at).strftime("%Y-%m-%d %H:%M:%S") == when(11)
    assert (kept["ORD4"].bank_order_no, kept["ORD4"].discount) == ("B1", Decimal("0.00"))
    file = CheckFile.objects.get()
    assert file.state == FileState.CURRENT and file.encoding == "gbk" and file.delimiter == "|"
    assert file.size == path.stat().st_size and len(file.sha256) == 64 and file.source_detail == str(path)
    chunks = FileChunk.objects.filter(file=file).order_by("seq").values_list("data", flat=True)
    assert b"".join(bytes(chunk) for chunk in chunks) == path.read_bytes()


def test_a_refund_failed_locally_is_a_status_mismatch(book, tmp_path):
    paid = book("ORD1", "12.30")
    book("RF101", "-12.30", refunds=paid, status=Status.FAILED)
    path = tmp_path / "day.txt"
    path.write_bytes(build([line("ORD1", "12.30", when=when()), line("RF101", "-12.30", when=when())]))
    summary, _ = run(path)
    assert (summary["matched"], summary["status_mismatch"]) == (1, 1)
    assert Discrepancy.objects.get().direction == "refund"


def test_same_file_again_changes_nothing_and_a_new_one_replaces_keeping_history(ledger, tmp_path):
    first = tmp_path / "a.txt"
    first.write_bytes(day_file())
    summary, _ = run(first)
    rows = (CheckFile.objects.count(), CheckLine.objects.count(), Discrepancy.objects.count())
    again, text = run(first)
    assert again == summary and "未作改动" in text
    assert (CheckFile.objects.count(), CheckLine.objects.count(), Discrepancy.objects.count()) == rows

    second = tmp_path / "b.txt"
    second.write_bytes(build([line("ORD1", "12.30", when=when()), line("ORD3", "8.00", when=when())]))
    replaced, _ = run(second, "--date", timezone.localdate().isoformat())
    assert replaced["lines"] == 2 and replaced["missing_platform"] == 2  # ORD4 and ORD5 now
    states = dict(CheckFile.objects.values_list("source_detail", "state"))
    assert states == {str(first): FileState.REPLACED, str(second): FileState.CURRENT}
    earlier = CheckFile.objects.get(state=FileState.REPLACED)
    # Kept for history: its findings, the lines they point at (only lines that disagree are kept), its raw bytes.
    assert earlier.discrepancies.count() == 5 and earlier.lines.count() == 4
    chunks = earlier.chunks.order_by("seq").values_list("data", flat=True)
    assert b"".join(bytes(chunk) for chunk in chunks) == first.read_bytes()


def rows():
    return tuple(model.objects.count() for model in (CheckFile, CheckLine, FileChunk, Discrepancy))


def test_a_bad_file_imports_nothing(ledger, tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(day_file())
    run(good)
    before = rows()
    bad = tmp_path / "bad.txt"
    for content, reason in [
        (build([line("A", "1.00", when=when()), line("B", "x", when=when())]), "第3行：交易金额“x”不是金额"),
        (build([line("A", "1.00", when=when()), line("A", "2.00", when=when())]), "第3行：订单号 A 重复"),
    ]:
        bad.write_bytes(content)
        with pytest.raises(CommandError, match=reason):
            run(bad, "--date", timezone.localdate().isoformat())
    assert rows() == before
    assert CheckFile.objects.get().source_detail == str(good)


@pytest.mark.parametrize(
    "twice",
    [
        [("DUP", "12.30"), ("DUP", "12.30")],  # both lines match the ledger's movement
        [("DUP", "12.30"), ("DUP", "5.00")],  # one matches, the other disagrees
        [("DUP", "12.30"), ("DUP", "-12.30")],  # a payment and a refund under one order number
        [("DUP", "7.00"), ("DUP", "12.30")],  # the second matches
        [("NEW", "1.00"), ("NEW", "1.00")],  # neither is in the ledger
    ],
)
def test_an_order_written_twice_is_refused_whatever_the_ledger_holds(book, tmp_path, twice):
    book("DUP", "12.30")
    path = tmp_path / "twice.txt"
    path.write_bytes(build([line("X1", "3.00", when=when()), *(line(o, a, when=when()) for o, a in twice)]))
    with pytest.raises(CommandError, match=f"第4行：订单号 {twice[0][0]} 重复（第3行已出现）"):
        run(path, "--date", timezone.localdate().isoformat())
    assert rows() == (0, 0, 0, 0)


def test_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="--date 应为 YYYY-MM-DD"):
        run(tmp_path / "x.txt", "--date", "29/11/2026")
    with pytest.raises(CommandError, match="无法读取文件"):
        run(tmp_path / "missing.txt", "--date", "2026-11-29")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(build([]))
    with pytest.raises(CommandError, match="请用 --date 指定"):
        run(empty)
    summary, _ = run(empty, "--date", "2026-11-29")
    assert summary["lines"] == 0 and summary["date"] == "2026-11-29"
