"""The file reader: every accepted form (INTERFACES.md 1.6) and every refusal, with its line number."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.reconciliation.parsing import CheckFileReader, FileRefused
from tests.reconciliation.files import build, line

ROWS = [line("ORD001", "12.30"), line("ORD002", "100.00", bank="`B2"), line("RF000101", "-12.30")]


def read(data: bytes):
    """Every line with all its fields; the import's reading (`batches`) must find the same lines, or refuse alike."""
    reader = CheckFileReader(io.BytesIO(data))
    try:
        batches = list(CheckFileReader(io.BytesIO(data)).batches())
    except FileRefused as refused:
        with pytest.raises(FileRefused) as again:
            list(reader)
        assert str(again.value) == str(refused)
        raise
    lines = list(reader)
    staged = [row for batch in batches for row in zip(*batch, strict=True)]
    assert staged == [(x.line_no, x.order_no, x.cents, x.status) for x in lines]
    return reader, lines


def test_details_reads_chosen_lines_again():
    data = build(ROWS, sep="|", encoding="gbk", newline="\r\n", backtick=True)
    lines = list(CheckFileReader(io.BytesIO(data)).details(iter([2, 4])))
    assert [(x.line_no, x.order_no, x.bank_order_no, x.description) for x in lines] == [
        (2, "ORD001", "B1", "支付成功"), (4, "RF000101", "B1", "退款成功"),
    ]  # fmt: skip


@pytest.mark.parametrize("sep", [",", "|", "\t"])
@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False)])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_form_reads_the_same_lines(sep, encoding, bom, newline):
    reader, lines = read(build(ROWS, sep=sep, encoding=encoding, bom=bom, newline=newline))
    assert [(x.line_no, x.order_no, x.amount, x.status) for x in lines] == [
        (2, "ORD001", "12.30", "SUCCESS"), (3, "ORD002", "100.00", "SUCCESS"), (4, "RF000101", "-12.30", "SUCCESS"),
    ]  # fmt: skip
    assert reader.delimiter == sep
    assert reader.encoding == {"utf-8": "utf-8-sig" if bom else "utf-8", "gbk": "gbk"}[encoding]
    assert lines[2].is_refund and lines[2].bank_refund_sn == "SNRF000101"


def test_back_ticks_quotes_summary_and_blank_trailing_lines():
    data = build(ROWS, backtick=True, quote=True, summary=["2", "112.30", "1", "-12.30"], trailing_blank=3)
    reader, lines = read(data)
    assert [x.order_no for x in lines] == ["ORD001", "ORD002", "RF000101"]
    assert lines[1].bank_order_no == "B2" and lines[0].traded_at == "2026-11-29 10:00:00"
    assert reader.summary_seen and reader.totals.payments == 2 and reader.totals.refund_cents == -1230


def test_refund_total_without_minus_sign_and_chinese_success_word():
    rows = [line("ORD001", "5", status="成功"), line("RF1", "-5.00")]
    reader, lines = read(build(rows, summary=["1", "5.00", "1", "5.00"]))
    assert lines[0].amount == "5.00" and lines[0].status == "SUCCESS"


def test_other_known_states_are_kept_as_written():
    _, lines = read(build([line("ORD001", "1.00", status="CLOSED")]))
    assert lines[0].status == "CLOSED"


@pytest.mark.parametrize(
    "rows,extra,message",
    [
        ([line("A", "1.00")[:7]], {}, "第2行：应有8列，实有7列"),
        ([line("A", "1.00"), line("B", "1.2.3")], {}, "第3行：交易金额“1.2.3”不是金额"),
        ([line("A", "1.001")], {}, "第2行：交易金额“1.001”不是金额"),
        ([line("A", "1.00", when="2026/11/29 10:00")], {}, "第2行：交易时间“2026/11/29 10:00”应为"),
        ([line("A", "1.00", when="2026-02-30 10:00:00")], {}, "第2行：交易时间“2026-02-30 10:00:00”不是有效"),
        ([line("A", "1.00", status="WHATEVER")], {}, "第2行：交易状态“WHATEVER”无法识别"),
        ([line("", "1.00")], {}, "第2行：订单号为空"),
        ([line("A", "1.00")], {"summary": ["2", "1.00", "0", "0.00"]}, "第4行：汇总与明细不符"),
        ([line("A", "1.00")], {"summary": ["x", "1.00", "0", "0.00"]}, "第4行：总交易单数“x”不是整数"),
    ],
)
def test_refusals_name_the_line_and_the_fault(rows, extra, message):
    with pytest.raises(FileRefused) as refused:
        read(build(rows, **extra))
    assert str(refused.value).startswith(message)


def test_refusals_of_the_whole_file():
    with pytest.raises(FileRefused, match="第1行：缺少表头"):
        read(b"")
    with pytest.raises(FileRefused, match="第1行：表头应为"):
        read("订单号;银行订单号\nA;B\n".encode())
    with pytest.raises(FileRefused, match="第1行：文件编码既不是UTF-8也不是GBK"):
        read(b"\xff\xfe\x00\x00" * 10)
    with pytest.raises(FileRefused, match="第4行：第3行是空行，其后不应再有明细"):
        read(build([line("A", "1.00")]) + b"\n" + ",".join(line("B", "1.00")).encode() + b"\n")
    with pytest.raises(FileRefused, match="第3行：汇总表头之后缺少汇总数值行"):
        read(build([line("A", "1.00")]) + "总交易单数,总交易金额,总退款单数,总退款金额\n".encode())


orders = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=30)
amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2).filter(lambda d: d != 0)
descriptions = st.text(alphabet=st.characters(codec="gbk", exclude_characters='\r\n"\x00`'), max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(orders, amounts, descriptions), max_size=25, unique_by=lambda r: r[0]),
    sep=st.sampled_from([",", "|", "\t"]),
    encoding=st.sampled_from(["utf-8", "gbk"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    backtick=st.booleans(),
    with_summary=st.booleans(),
    trailing=st.integers(0, 3),
    block=st.sampled_from([160, 333, 1024 * 1024]),  # a file read in many blocks, cut anywhere, or in one
)
def test_round_trip_of_generated_files(rows, sep, encoding, bom, newline, backtick, with_summary, trailing, block):
    lines = []
    for order_no, amount, description in rows:
        fields = line(order_no, f"{amount:.2f}")
        fields[4] = description.replace(sep, " ").strip() or "成功"
        lines.append(fields)
    paid = [r[1] for r in rows if r[1] > 0]
    refunded = [r[1] for r in rows if r[1] < 0]
    summary = [str(len(paid)), f"{sum(paid, Decimal(0)):.2f}", str(len(refunded)), f"{sum(refunded, Decimal(0)):.2f}"]
    data = build(lines, sep=sep, encoding=encoding, bom=bom and encoding == "utf-8", newline=newline,
                 backtick=backtick, quote=True, summary=summary if with_summary else None,
                 trailing_blank=trailing)  # fmt: skip
    with mock.patch("apps.reconciliation.parsing.BLOCK", block):
        reader, read_lines = read(data)
        again = list(CheckFileReader(io.BytesIO(data)).details(iter(range(2, len(rows) + 2, 3))))
    assert [(x.order_no, Decimal(x.amount), x.description) for x in read_lines] == [
        (o, a, f[4]) for (o, a, _), f in zip(rows, lines, strict=True)
    ]
    assert reader.totals.lines == len(rows) and reader.summary_seen == with_summary
    assert again == read_lines[::3]
