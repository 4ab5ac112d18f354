"""A large file parsed by a second process (apps.reconciliation.parallel): the same batches, totals and refusals as
the reader in process, through both ways an import reads a file; a child that fails fails the import, and a load
that stops takes the child with it."""

import io
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from django.utils import timezone

from apps.reconciliation import parallel, services
from apps.reconciliation.models import CheckFile, CheckLine, Discrepancy, FileChunk, FileState, Source
from apps.reconciliation.parsing import CheckFileReader, FileRefused
from tests.reconciliation.files import build, line
from tests.reconciliation.test_import import day_file, ledger, when  # noqa: F401 (ledger: a fixture)

MANY = [line(f"ORD{i:07d}", f"{i % 997}.{i % 100:02d}", when=when(i % 24)) for i in range(30_000)]  # 3 MB, 3 blocks

FORMS = {
    "many lines": build(MANY, newline="\r\n"),
    "gbk, bars, back-ticks, summary": build(
        [line("1001", "1.00"), line("RF1", "-0.50")],
        sep="|",
        encoding="gbk",
        backtick=True,
        summary=["1", "1.00", "1", "-0.50"],
    ),  # fmt: skip
    "quoted, tabs, bom, blank lines": build(
        [line("A", "2.00"), line("B", "3.10", status="支付成功")], sep="\t", quote=True, bom=True, trailing_blank=2
    ),
    "mixed line endings": build([line("A", "1.00")]) + b"B,B1,2026-11-29 10:00:00,SUCCESS,x,1.00,,0.00\r\n",
}
BAD = {
    "an amount": build([line("A", "1.00"), line("B", "x")]),
    "a late line": build([*MANY[:12_000], line("Z", "1.00", when="2026-13-01 00:00:00")]),
    "an encoding": build([line("A", "1.00")]) + b"\xff\xfe,\n",
    "a header": b"nothing,like,a,header\n",
}


def read(reader) -> tuple:
    batches = [tuple(list(column) for column in batch) for batch in reader.batches()]
    return batches, reader.totals, reader.encoding, reader.delimiter, reader.summary_seen


@pytest.mark.parametrize("form", FORMS)
def test_the_child_reads_what_the_reader_reads(form):
    data = FORMS[form]
    assert read(parallel.ChildReader(io.BytesIO(data))) == read(CheckFileReader(io.BytesIO(data)))


@pytest.mark.parametrize("bad", BAD)
def test_the_child_refuses_what_the_reader_refuses(bad):
    data = BAD[bad]
    with pytest.raises(FileRefused) as here:
        read(CheckFileReader(io.BytesIO(data)))
    with pytest.raises(FileRefused) as apart:
        read(parallel.ChildReader(io.BytesIO(data)))
    assert (str(apart.value), apart.value.line_no) == (str(here.value), here.value.line_no)


@pytest.fixture
def apart(monkeypatch):
    """Every file parsed by a child, however small."""
    monkeypatch.setattr(services, "PARSE_APART_FROM", 0)


def rows():
    return tuple(model.objects.count() for model in (CheckFile, CheckLine, FileChunk, Discrepancy))


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [False, True], ids=["from a path", "stored first (upload, download)"])
def test_an_import_parsed_apart_finds_every_category(ledger, tmp_path, apart, stored):  # noqa: F811
    data = day_file(sep="|", encoding="gbk", newline="\r\n")
    if stored:
        file, _ = services.check_file_store(content=data, bill_date=timezone.localdate(), source=Source.UPLOAD)
        file = services.check_file_import_stored(file_id=file.pk)
    else:
        path = tmp_path / "day.txt"
        path.write_bytes(data)
        file, _ = services.check_file_import_path(path=path)
    assert services.contract_summary(file) == {
        "date": timezone.localdate().isoformat(), "lines": 6, "matched": 2, "missing_local": 2,
        "missing_platform": 1, "amount_mismatch": 1, "status_mismatch": 1,
    }  # fmt: skip
    assert (file.state, file.encoding, file.delimiter) == (FileState.CURRENT, "gbk", "|")
    assert sorted(CheckLine.objects.values_list("order_no", flat=True)) == ["ORD2", "ORD4", "ORD5", "RF999"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command",
    [
        "import sys; sys.stdin.buffer.read(); sys.exit(3)",  # reads everything, answers nothing
        "import sys; sys.stdout.buffer.write(b'\\x05\\x00\\x00\\x00'); sys.exit(0)",  # half a frame, then gone
        "raise SystemExit('解析器崩溃')",  # gone before reading a byte
    ],
)
def test_a_child_that_fails_fails_the_import_and_keeps_nothing(ledger, tmp_path, apart, monkeypatch, command):  # noqa: F811
    monkeypatch.setattr(parallel, "COMMAND", [sys.executable, "-c", command])
    path = tmp_path / "day.txt"
    path.write_bytes(build(MANY))
    before = rows()
    with pytest.raises(parallel.ChildFailed, match="对账文件解析进程异常退出"):
        services.check_file_import_path(path=path, bill_date=timezone.localdate())
    assert rows() == before


def children(running: str) -> list[int]:
    """The ids of this process's children still there (Linux /proc) whose command line holds `running`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                if running in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # ended while looked at
    return found


# A child that sends one batch, then neither reads nor writes again.
STUCK = (
    "import marshal, sys, time; frame = marshal.dumps(('batch', 2, 1, ['A'], [100], ['SUCCESS'])); "
    "sys.stdout.buffer.write(len(frame).to_bytes(4, 'little') + frame); sys.stdout.flush(); time.sleep(3600)"
)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_load_that_stops_takes_the_child_with_it(monkeypatch):
    monkeypatch.setattr(parallel, "COMMAND", [sys.executable, "-c", STUCK])
    batches = parallel.ChildReader(io.BytesIO(build(MANY))).batches()
    assert next(batches).order_no == ["A"]
    assert children(STUCK)
    closing = threading.Thread(target=batches.close, daemon=True)  # as when the database refuses a batch
    closing.start()
    closing.join(timeout=30)
    left = children(STUCK)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not closing.is_alive() and not left, "the child was left running, and the import waited for it"
