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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

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
STATES = SUCCESS_WORDS | OTHER_STATES
# The fast reading works on a block's UTF-8 bytes: each state as written there, and as staged.
_STATE_BYTES = {word.encode(): SUCCESS if word in SUCCESS_WORDS else word for word in STATES}
_SUCCESS_BYTES = {word.encode() for word in SUCCESS_WORDS}
TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"
HEAD_BYTES = 64 * 1024
_MARK = b"\x01"  # the fast reading's mark of a line's start: a control character no real file has
_ASCII_SPACE = b" \t\r\x0b\x0c\x1c\x1d\x1e\x1f"  # str.isspace's ASCII characters but the line feed
BLOCK = 1024 * 1024  # read, decoded and checked at a time: about ten thousand lines
_AMOUNT = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,2}))?", re.ASCII)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)
_DISCOUNT_BYTES = re.compile(_AMOUNT.pattern.encode())  # the same amount, in a block's bytes
_CLOCK = rb"\d{4}-\d\d-\d\d (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"  # the day is checked apart, once
_TIMES_BYTES = re.compile(rb"%s(?:\n%s)*" % (_CLOCK, _CLOCK))
_AMOUNTS_BYTES = re.compile(rb"-?\d{1,12}\.\d\d(?:\n-?\d{1,12}\.\d\d)*")  # one per line, two places each


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


def _split(raw: str, delimiter: str, line_no: int) -> list[str]:
    try:
        rows = list(csv.reader([raw.rstrip("\r\n")], delimiter=delimiter, skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise FileRefused(f"引号不成对或格式错误（{exc}）", line_no) from None
    return rows[0] if rows else []


def _breaks(data: bytes) -> int:
    """How many lines end in `data` (CR LF, LF or CR)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _first_break(data: bytes) -> int:
    """Where the first line of `data` ends, after its line ending (the length of `data` if it has none)."""
    ends = [at for at in (data.find(b"\n"), data.find(b"\r")) if at >= 0]
    if not ends:
        return len(data)
    at = min(ends)
    return at + 2 if data.startswith(b"\r\n", at) else at + 1


def _last_break(data: bytes) -> int:
    """Where the last whole line of `data` ends (a CR at the very end may be half of a CR LF)."""
    return max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1


def _ids(values: list[bytes], required: bool) -> list[bytes] | None:
    """Ids without the back-tick written before any; None unless each is ASCII with at most 64 characters (at least
    one if `required`) and no white space or back-tick."""
    text = b"\n".join(values)
    if b"`" in text:
        text = (b"\n" + text).replace(b"\n`", b"\n")[1:]
        if b"`" in text:
            return None
        values = text.split(b"\n")
    if not text.isascii() or len(text.translate(None, _ASCII_SPACE)) != len(text):  # bytes.translate: one C loop
        return None
    if (required and b"" in values) or max(map(len, values)) > 64:
        return None
    return values


def _amounts(values: list[bytes]) -> list[int] | None:
    """Cents of amounts written with two places (-12.30), at most 12 whole digits; None if any is not."""
    text = b"\n".join(values)
    if not _AMOUNTS_BYTES.fullmatch(text):
        return None
    return list(map(int, text.replace(b".", b"").split(b"\n")))


class _Borrowed(io.RawIOBase):
    """The caller's stream, read through but never closed (the buffered reader closes what it wraps)."""

    def __init__(self, stream):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class Batch(NamedTuple):
    """Consecutive detail lines of a file, column by column, with what matching needs: order numbers (without
    back-ticks), amounts in cents, SUCCESS for every success word. The loader writes them without a Python object
    per line; the other fields are read again only for the lines that disagree (`CheckFileReader.details`)."""

    line_no: Sequence[int]
    order_no: list[str]
    cents: list[int]
    status: list[str]


class _Block(NamedTuple):
    first: int  # the number of its first line
    data: bytes  # whole lines, UTF-8
    text: str
    lines: int
    eol: bytes  # the line ending of all its lines, or b"" if they differ


def _lines_of(block: _Block) -> list[bytes]:
    """A block's lines (UTF-8), as cheaply as its line endings allow: a block is split to find a few lines."""
    data = block.data
    if block.eol:
        return data.split(block.eol)
    return [raw.encode() for raw in io.StringIO(data.decode(), newline="")]


class CheckFileReader:
    """Read a binary stream's detail lines: `batches` for matching, a block at a time, or every `Line` with all its
    fields when iterated; afterwards `totals`, `encoding`, `delimiter` and `summary_seen` describe the file. Raises
    FileRefused at the first thing wrong. `details` reads chosen lines of a file already accepted."""

    def __init__(self, stream):
        self._stream = io.BufferedReader(_Borrowed(stream), HEAD_BYTES)
        self.encoding = ""
        self.delimiter = ""
        self.totals = Totals()
        self.summary_seen = False
        self._blank_since = 0
        self._summary_header_at = 0
        self._times: set[bytes] = set()
        self._days: set[bytes] = set()
        self._discounts: set[bytes] = {b""}

    def __iter__(self) -> Iterator[Line]:
        for block in self._blocks():
            yield from self._slow(block)
        self._end()

    def batches(self) -> Iterator[Batch]:
        for block in self._blocks():
            batch = None if self._blank_since or self._summary_header_at else self._fast(block)
            if batch is None:
                lines = self._slow(block)
                if not lines:
                    continue
                batch = Batch(*([getattr(x, name) for x in lines] for name in Batch._fields))
            yield batch
        self._end()

    def details(self, wanted: Iterator[int]) -> Iterator[Line]:
        """The lines numbered `wanted` (ascending) of a file that `batches` accepted, with all their fields."""
        number = next(wanted, None)
        for block in self._blocks(check=False):
            if number is None:
                return
            if number >= block.first + block.lines:
                continue
            raws = _lines_of(block)
            while number is not None and number < block.first + block.lines:
                yield self._line(_split(raws[number - block.first].decode(), self.delimiter, number), number)
                number = next(wanted, None)

    def _end(self) -> None:
        if self._summary_header_at and not self.summary_seen:
            raise FileRefused("汇总表头之后缺少汇总数值行", self._summary_header_at)

    def _blocks(self, check: bool = True) -> Iterator[_Block]:
        """The lines after the header (which sets `delimiter`), in blocks of whole lines of about BLOCK bytes.
        Without `check` (a file read before), a UTF-8 block is not decoded: its `text` is empty.

        A block is cut after a line break, as bytes: neither CR nor LF is ever part of a UTF-8 or GBK character.
        """
        self.encoding = detect_encoding(self._stream.peek(HEAD_BYTES)[:HEAD_BYTES])
        # gb18030 reads every GBK file and the few characters GBK lacks.
        codec = "gb18030" if self.encoding == "gbk" else "utf-8"
        name = "GBK" if self.encoding == "gbk" else "UTF-8"
        if self.encoding == "utf-8-sig":
            self._stream.read(len(codecs.BOM_UTF8))
        line_no, carry, header = 1, b"", True

        def decode(data: bytes) -> str:
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise FileRefused(f"不是{name}编码的文字", line_no + _breaks(data[: exc.start])) from None

        while True:
            data = self._stream.read(BLOCK)
            block = carry + data
            cut = _last_break(block) if data else len(block)
            block, carry = block[:cut], block[cut:]
            if len(carry) > BLOCK:
                raise FileRefused(f"一行超过{BLOCK}个字节", line_no + _breaks(block))
            if header and block:
                header = False
                end = _first_break(block)
                self._header(decode(block[:end]))
                block, line_no = block[end:], 2
            if block:
                text = decode(block) if check or codec != "utf-8" else ""
                # Each count reads the whole block: the fewest that tell the lines and their ending.
                lf, cr = block.count(b"\n"), block.count(b"\r")
                crlf = block.count(b"\r\n") if cr else 0
                eol = b"\n" if not cr else b"\r\n" if cr == crlf == lf else b""
                lines = lf + cr - crlf + (not block.endswith((b"\n", b"\r")))
                yield _Block(line_no, block if codec == "utf-8" else text.encode(), text, lines, eol)
                line_no += lines
            if not data:
                break
        if header:
            raise FileRefused("缺少表头（文件为空或第一行为空）", 1)

    def _fast(self, block: _Block) -> Batch | None:
        """The usual block, checked and split column by column by bytes methods and sets (in C): no quotes but
        around every field, nothing to strip but back-ticks before ids, one line ending, ASCII but for the
        description (which matching does not need). None sends the block line by line through `_slow`, which reads
        everything else and names what is wrong."""
        data, eol, lines = block.data, block.eol, block.lines
        if not eol or _MARK in data:
            return None
        body = data[: -len(eol)] if data.endswith(eol) else data
        d = self.delimiter.encode()
        if b'"' in body:  # quoted fields: only a quote at each end of every field, none inside
            body = body.replace(b'"' + d + b'"', d).replace(b'"' + eol + b'"', eol)
            if not (body.startswith(b'"') and body.endswith(b'"')) or b'"' in body[1:-1]:
                return None
            body = body[1:-1]
        # Every line has COLUMNS fields, without splitting it alone: each line but the first begins with a mark, and
        # the fields are numbered from it. With COLUMNS fields a line, and every COLUMNS-th field beginning with a
        # mark (the only ones in the block), each line has exactly COLUMNS.
        fields = body.replace(eol, d + _MARK).split(d)
        if len(fields) != COLUMNS * lines:
            return None
        firsts = b"\n".join(fields[0::COLUMNS])
        unmarked = firsts.replace(b"\n" + _MARK, b"\n")
        if len(firsts) - len(unmarked) != lines - 1:
            return None
        order_no = _ids(unmarked.split(b"\n"), True)
        statuses = fields[3::COLUMNS]
        kinds = set(statuses)
        if (
            order_no is None or _ids(fields[1::COLUMNS], False) is None or _ids(fields[6::COLUMNS], False) is None
            or not kinds <= _STATE_BYTES.keys() or not self._times_valid(fields[2::COLUMNS])
            or not self._discounts_valid(fields[7::COLUMNS])
        ):  # fmt: skip
            return None
        cents = _amounts(fields[5::COLUMNS])
        if cents is None:
            return None
        status = [SUCCESS] * lines if kinds <= _SUCCESS_BYTES else list(map(_STATE_BYTES.__getitem__, statuses))
        refunds = [c for c in cents if c < 0]
        totals = self.totals
        totals.refunds += len(refunds)
        totals.refund_cents += sum(refunds)
        totals.payments += lines - len(refunds)
        totals.payment_cents += sum(cents) - sum(refunds)
        order_no = b"\n".join(order_no).decode("ascii").split("\n")
        return Batch(range(block.first, block.first + lines), order_no, cents, status)

    def _times_valid(self, traded: list[bytes]) -> bool:
        """Each distinct time checked once (a day has at most 86,400), all in one match, and each distinct day."""
        new = set(traded).difference(self._times)
        if not new:
            return True
        if not _TIMES_BYTES.fullmatch(b"\n".join(new)):
            return False
        for day in {text[:10] for text in new}.difference(self._days):
            try:
                datetime.date.fromisoformat(day.decode())
            except ValueError:
                return False
            self._days.add(day)
        if len(self._times) > 200_000:  # a file spanning many days: keep memory bounded
            self._times.clear()
        self._times.update(new)
        return True

    def _discounts_valid(self, discount: list[bytes]) -> bool:
        known = self._discounts
        for text in set(discount).difference(known):
            if not _DISCOUNT_BYTES.fullmatch(text) or len(known) > 10_000:
                return False
            known.add(text)
        return True

    def _slow(self, block: _Block) -> list[Line]:
        """Line by line through csv and the field-by-field checks, which name the line and what is wrong."""
        found = []
        line_no = block.first
        for raw in io.StringIO(block.text, newline=""):
            row = _split(raw, self.delimiter, line_no)
            if not any(field.strip() for field in row):
                self._blank_since = self._blank_since or line_no
            elif self._summary_header_at:
                if self.summary_seen:
                    raise FileRefused("汇总之后不应再有内容", line_no)
                self._summary(row, line_no)
            elif _clean(row[0]).startswith(SUMMARY_FIRST):
                self._summary_header_at = line_no
            elif self._blank_since:
                raise FileRefused(f"第{self._blank_since}行是空行，其后不应再有明细", line_no)
            else:
                found.append(self._line(row, line_no))
            line_no += 1
        return found

    def _header(self, line: str) -> None:
        if not line.strip():
            raise FileRefused("缺少表头（文件为空或第一行为空）", 1)
        for delimiter in DELIMITERS:
            fields = next(csv.reader([line], delimiter=delimiter))
            if len(fields) == COLUMNS and _clean(fields[0]).lstrip('"').startswith(HEADER_FIRST):
                self.delimiter = delimiter
                return
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
