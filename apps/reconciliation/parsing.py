"""The platform's daily file (INTERFACES.md 1.6), read as a stream: one line in memory at a time.

Accepted, as real files come: comma, `|` or tab delimiters (told by the header line); UTF-8 with or without BOM,
or GBK; CRLF or LF; fields quoted or prefixed by a back-tick; blank trailing lines; an optional summary block after
the details, checked against them. Anything else is refused with the line number and what is wrong
(`FileRefused`), and the caller imports nothing.
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

COLUMNS = 8
DELIMITERS = {",": "逗号", "|": "竖线", "\t": "制表符"}
HEADER_FIRST = "订单号"
SUMMARY_FIRST = "总交易单数"
# [assumed] 交易状态: SUCCESS (or 成功) is a success; these other states are known and kept as they are (the match
# lists them as status mismatches); any other text is refused.
SUCCESS = "SUCCESS"
SUCCESS_WORDS = {"SUCCESS", "成功", "支付成功", "退款成功"}
OTHER_STATES = {
    "FAIL", "FAILED", "失败", "CLOSED", "已关闭", "PROCESSING", "处理中", "REFUND", "转入退款", "REVOKED", "已撤销",
    "NOTPAY", "未支付", "USERPAYING", "支付中", "PAYERROR", "支付失败", "REFUNDCLOSE", "退款关闭", "CHANGE", "退款异常",
}  # fmt: skip
TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"
HEAD_BYTES = 64 * 1024
_AMOUNT = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,2}))?", re.ASCII)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)


class FileRefused(ValueError):
    """The file is not a reconciliation file we can trust; `str()` names the line and what is wrong."""

    def __init__(self, message: str, line_no: int | None = None):
        self.line_no = line_no
        self.reason = message
        super().__init__(f"第{line_no}行：{message}" if line_no else message)


@dataclass(slots=True)
class Line:
    line_no: int
    order_no: str
    bank_order_no: str
    traded_at: str  # yyyy-MM-dd HH:mm:ss, the platform's local time (checked to be a real moment)
    status: str  # SUCCESS for every success word, else as written
    description: str
    amount: str  # two places, negative on refunds
    cents: int
    bank_refund_sn: str
    discount: str

    @property
    def is_refund(self) -> bool:
        return self.cents < 0


@dataclass
class Totals:
    payments: int = 0
    payment_cents: int = 0
    refunds: int = 0
    refund_cents: int = 0  # negative or zero

    @property
    def lines(self) -> int:
        return self.payments + self.refunds


def cents_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _cents(text: str, what: str, line_no: int) -> int:
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise FileRefused(f"{what}“{text[:30]}”不是金额（应为数字，最多两位小数）", line_no)
    sign, whole, fraction = match.groups()
    cents = int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)
    return -cents if sign else cents


def _clean(field: str) -> str:
    field = field.strip()
    if field.startswith("`"):  # spreadsheet guard against long numbers shown in scientific notation
        field = field[1:].strip()
    return field


def detect_encoding(head: bytes) -> str:
    """utf-8-sig, utf-8 or gbk, from the first bytes (the header line, Chinese, decides)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8" else "gbk"
    raise FileRefused("文件编码既不是UTF-8也不是GBK", 1)


def _real_day(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _split(raw: str, delimiter: str, line_no: int) -> list[str]:
    try:
        rows = list(csv.reader([raw.rstrip("\r\n")], delimiter=delimiter, skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise FileRefused(f"引号不成对或格式错误（{exc}）", line_no) from None
    return rows[0] if rows else []


def _fast_line(delimiter: str):
    """`fullmatch` of a well-formed detail line with plain fields (ids may carry a leading back-tick)."""
    d = re.escape(delimiter)
    plain = f'[^{d}"`\\r\\n]'
    ident = f'`?([^\\s{d}"`]{{{{{{low}},64}}}})'
    states = "|".join(re.escape(word) for word in sorted(SUCCESS_WORDS | OTHER_STATES, key=len, reverse=True))
    amount = r"(-?\d{1,12}(?:\.\d{1,2})?)"
    pattern = d.join(
        [
            ident.format(low=1),
            ident.format(low=0),
            r"((\d{4}-\d\d-\d\d) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)",
            f"({states})",
            f"({plain}{{0,100}})",
            amount,
            ident.format(low=0),
            amount + "?",
        ]
    )
    return re.compile(pattern + r"(?:\r\n|\n|\r)?").fullmatch


class _Borrowed(io.RawIOBase):
    """The caller's stream, read through but never closed (the text wrapper closes what it wraps)."""

    def __init__(self, stream):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class CheckFileReader:
    """Iterate a binary stream's detail lines (`Line`); afterwards `totals`, `encoding`, `delimiter` and
    `summary_seen` describe the file. Raises FileRefused at the first thing wrong."""

    def __init__(self, stream):
        self._stream = io.BufferedReader(_Borrowed(stream), HEAD_BYTES)
        self.encoding = ""
        self.delimiter = ""
        self.totals = Totals()
        self.summary_seen = False

    def __iter__(self) -> Iterator[Line]:
        self.encoding = detect_encoding(self._stream.peek(HEAD_BYTES)[:HEAD_BYTES])
        # gb18030 reads every GBK file and the few characters GBK lacks; newline="" keeps CR LF for csv.
        text = io.TextIOWrapper(self._stream, encoding="gb18030" if self.encoding == "gbk" else self.encoding,
                                newline="")  # fmt: skip
        header = self._header(text)
        fast = _fast_line(self.delimiter)
        dates: dict[str, bool] = {}
        totals = self.totals
        blank_since = 0
        summary_header_at = 0
        line_no = 1
        try:
            for raw in text:
                line_no += 1
                # The usual line (no quotes, nothing to strip) is read by one regular expression; anything else
                # goes through csv and the field-by-field checks below, which also name what is wrong.
                match = fast(raw)
                if match is not None and not blank_since and not summary_header_at:
                    order_no, bank_order_no, traded, day, status, description, amount, refund_sn, discount = (
                        match.groups()
                    )
                    valid = dates.get(day)
                    if valid is None:
                        valid = dates[day] = _real_day(day)
                    if valid and amount[-3:-2] == ".":
                        cents = int(amount[:-3] + amount[-2:])
                        if cents < 0:
                            totals.refunds += 1
                            totals.refund_cents += cents
                        else:
                            totals.payments += 1
                            totals.payment_cents += cents
                        yield Line(line_no, order_no, bank_order_no, traded, SUCCESS if status in SUCCESS_WORDS
                                   else status, description.strip(), amount, cents, refund_sn,
                                   discount or "0.00")  # fmt: skip
                        continue
                row = _split(raw, self.delimiter, line_no)
                if not any(field.strip() for field in row):
                    blank_since = blank_since or line_no
                    continue
                if summary_header_at:
                    if self.summary_seen:
                        raise FileRefused("汇总之后不应再有内容", line_no)
                    self._summary(row, line_no)
                    continue
                if _clean(row[0]).startswith(SUMMARY_FIRST):
                    summary_header_at = line_no
                    continue
                if blank_since:
                    raise FileRefused(f"第{blank_since}行是空行，其后不应再有明细", line_no)
                yield self._line(row, line_no)
        except UnicodeDecodeError:
            raise FileRefused(f"不是{header}编码的文字", line_no + 1) from None
        if summary_header_at and not self.summary_seen:
            raise FileRefused("汇总表头之后缺少汇总数值行", summary_header_at)

    def _header(self, text) -> str:
        names = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gbk": "GBK"}
        try:
            line = text.readline()
        except UnicodeDecodeError:
            raise FileRefused(f"不是{names[self.encoding]}编码的文字", 1) from None
        if not line.strip():
            raise FileRefused("缺少表头（文件为空或第一行为空）", 1)
        for delimiter in DELIMITERS:
            fields = next(csv.reader([line], delimiter=delimiter))
            if len(fields) == COLUMNS and _clean(fields[0]).lstrip('"').startswith(HEADER_FIRST):
                self.delimiter = delimiter
                return names[self.encoding]
        raise FileRefused(f"表头应为以“{HEADER_FIRST}”开头的{COLUMNS}列（逗号、竖线或制表符分隔）", 1)

    def _line(self, row: list[str], line_no: int) -> Line:
        if len(row) != COLUMNS:
            raise FileRefused(f"应有{COLUMNS}列，实有{len(row)}列", line_no)
        order_no, bank_order_no, traded, status, description, amount, refund_sn, discount = map(_clean, row)
        if not order_no:
            raise FileRefused("订单号为空", line_no)
        if len(order_no) > 64 or len(bank_order_no) > 64 or len(refund_sn) > 64:
            raise FileRefused("订单号或流水号超过64个字符", line_no)
        if not _TIME.fullmatch(traded):
            raise FileRefused(f"交易时间“{traded[:30]}”应为 {TIME_FORMAT}", line_no)
        try:
            datetime.datetime.fromisoformat(traded)
        except ValueError:
            raise FileRefused(f"交易时间“{traded}”不是有效的日期时间", line_no) from None
        if status in SUCCESS_WORDS:
            status = SUCCESS
        elif status not in OTHER_STATES:
            raise FileRefused(f"交易状态“{status[:20]}”无法识别", line_no)
        cents = _cents(amount, "交易金额", line_no)
        discount_cents = _cents(discount, "优惠退款费用", line_no) if discount else 0
        if cents < 0:
            self.totals.refunds += 1
            self.totals.refund_cents += cents
        else:
            self.totals.payments += 1
            self.totals.payment_cents += cents
        return Line(
            line_no=line_no,
            order_no=order_no,
            bank_order_no=bank_order_no,
            traded_at=traded,
            status=status,
            description=description[:100],
            amount=cents_text(cents),
            cents=cents,
            bank_refund_sn=refund_sn,
            discount=cents_text(discount_cents),
        )

    def _summary(self, row: list[str], line_no: int) -> None:
        """[assumed] 总交易单数, 总交易金额, 总退款单数, 总退款金额 — payments and refunds counted apart; the refund
        total with or without its minus sign."""
        fields = [_clean(field) for field in row]
        if len(fields) < 4:
            raise FileRefused(f"汇总行应有4个数值，实有{len(fields)}个", line_no)
        counts = []
        for text, what in ((fields[0], "总交易单数"), (fields[2], "总退款单数")):
            if not text.isdigit():
                raise FileRefused(f"{what}“{text[:20]}”不是整数", line_no)
            counts.append(int(text))
        paid = _cents(fields[1], "总交易金额", line_no)
        refunded = abs(_cents(fields[3], "总退款金额", line_no))
        totals = self.totals
        expected = (totals.payments, totals.payment_cents, totals.refunds, -totals.refund_cents)
        found = (counts[0], paid, counts[1], refunded)
        if found != expected:
            raise FileRefused(
                f"汇总与明细不符：汇总为收款{counts[0]}笔{cents_text(paid)}元、退款{counts[1]}笔{cents_text(refunded)}元，"
                f"明细为收款{expected[0]}笔{cents_text(expected[1])}元、退款{expected[2]}笔{cents_text(expected[3])}元",
                line_no,
            )
        self.summary_seen = True


def first_date(stream) -> datetime.date | None:
    """The date of the first detail line (for an import without --date), or None for a file without lines."""
    for line in CheckFileReader(stream):
        return datetime.date.fromisoformat(line.traded_at[:10])
    return None
