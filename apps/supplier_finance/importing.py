"""The spreadsheet layout (.xlsx or .csv) of purchases and returns, its template, and reading it into Records.

One line per record: 业务类型 (采购 / 退货), the 附录三 purcinfo fields, then one invoice. A line whose 业务类型
and purcinfo cells are all empty adds another invoice to the record above it. Headers are written
"中文名(field_code)"; the code in brackets is what is read. Every problem is reported with its line, column
letter and header.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from apps.core.errors import ApplicationError
from apps.integrations.nhsa import purchase
from apps.supplier_finance.models import Invoice, Kind, Purchase
from apps.supplier_finance.records import Record, RecordError

KIND_COLUMN = "kind"
KIND_WORDS = {"采购": Kind.PURCHASE, "退货": Kind.RETURN, Kind.PURCHASE: Kind.PURCHASE, Kind.RETURN: Kind.RETURN}
# The 3503 order, then what only 3504 has.
PURCINFO_COLUMNS = [name for name, *_ in purchase.PURCHASE_3503] + [
    name for name, *_ in purchase.RETURN_3504 if name not in {n for n, *_ in purchase.PURCHASE_3503}
]
INVOICE_COLUMNS = [name for name, *_ in purchase.INVOICE]
COLUMNS = [KIND_COLUMN, *PURCINFO_COLUMNS, *INVOICE_COLUMNS]
_KINDS = {name: kind for name, kind, *_ in purchase.PURCHASE_3503 + purchase.RETURN_3504 + purchase.INVOICE}
_HEADER = re.compile(r"[(（]\s*([A-Za-z_]+)\s*[)）]\s*$")
MAX_LINES = 20000


def column_label(name: str) -> str:
    if name == KIND_COLUMN:
        return "业务类型"
    if name in INVOICE_COLUMNS:
        return f"发票{Invoice._meta.get_field(name).verbose_name}"
    return str(Purchase._meta.get_field(name).verbose_name)


def header_text(name: str) -> str:
    return f"{column_label(name)}({name})"


@dataclass(frozen=True)
class FileError:
    line: int  # 1 = the header line
    column: str  # letter, "" when the whole line is meant
    label: str
    message: str

    def __str__(self):
        where = f"第{self.line}行"
        if self.column:
            where += f" {self.column}列「{self.label}」"
        return f"{where}：{self.message}"


@dataclass
class ParsedRecord:
    record: Record
    lines: list[int]  # the file line of the record and of each of its invoices (the first holds both)


# --- reading ---------------------------------------------------------------------------------------------------


def _rows(name: str, content: bytes):
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ApplicationError(f"无法读取 Excel 文件：{exc}") from None
        return list(book.worksheets[0].iter_rows(values_only=True))
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ApplicationError("CSV 文件编码无法识别（请用 UTF-8 或 GBK）")
        return list(csv.reader(io.StringIO(text)))
    raise ApplicationError("只接受 .xlsx 或 .csv 文件")


def _cell_text(value, name: str) -> str:
    """A cell as the text the guide expects: Excel's dates and numbers are written back in its formats."""
    if value is None:
        return ""
    kind = _KINDS.get(name)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if kind == "datetime" else "%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps numbers as binary floats; their shortest decimal spelling is what the person typed.
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _headers(row) -> tuple[dict[str, int], list[FileError]]:
    positions, errors = {}, []
    for index, cell in enumerate(row or ()):
        text = str(cell or "").strip()
        if not text:
            continue
        match = _HEADER.search(text)
        code = match.group(1) if match else text
        if code not in COLUMNS:
            errors.append(FileError(1, get_column_letter(index + 1), text, "不是模板中的列"))
        elif code in positions:
            errors.append(FileError(1, get_column_letter(index + 1), text, "列重复"))
        else:
            positions[code] = index
    errors += [FileError(1, "", "", f"缺少列「{header_text(name)}」") for name in COLUMNS if name not in positions]
    return positions, errors


@dataclass
class ParsedFile:
    records: list[ParsedRecord]
    errors: list[FileError]
    letters: dict[str, str]  # field code -> the file's column letter

    def locate(self, error: RecordError) -> FileError:
        """Where in the file a record's problem is: the line of the record or of its invoice, and the column."""
        lines = self.records[error.index].lines
        match = re.match(r"^(purcinfo|invoices\[(\d+)\])\.(\w+)$", error.field)
        if match:
            line = lines[min(int(match.group(2)), len(lines) - 1)] if match.group(2) else lines[0]
            return self._at(line, match.group(3), error.message)
        if error.field == "invoices":
            return self._at(lines[0], INVOICE_COLUMNS[0], error.message)
        if error.field == KIND_COLUMN:
            return self._at(lines[0], KIND_COLUMN, error.message)
        return FileError(lines[0], "", "", error.message)

    def _at(self, line: int, code: str, message: str) -> FileError:
        if code in self.letters:
            return FileError(line, self.letters[code], column_label(code), message)
        return FileError(line, "", "", f"{code}：{message}")


def file_read(name: str, content: bytes) -> ParsedFile:
    """The records of a file, or the problems of its layout (headers, continuation lines, 业务类型)."""
    rows = _rows(name, content)
    if not rows:
        return ParsedFile([], [FileError(1, "", "", "文件是空的")], {})
    if len(rows) > MAX_LINES + 1:
        return ParsedFile([], [FileError(1, "", "", f"一个文件最多 {MAX_LINES} 行，请分批导入")], {})
    positions, errors = _headers(rows[0])
    if errors:
        return ParsedFile([], errors, {})
    letters = {code: get_column_letter(index + 1) for code, index in positions.items()}
    parsed = ParsedFile([], [], letters)
    for line, row in enumerate(rows[1:], start=2):
        cells = {code: _cell_text(row[index] if index < len(row) else None, code) for code, index in positions.items()}
        if not any(cells.values()):
            continue
        invoice = {code: cells[code] for code in INVOICE_COLUMNS if cells[code]}
        head = {code: cells[code] for code in PURCINFO_COLUMNS if cells[code]}
        if not cells[KIND_COLUMN] and not head:
            if not parsed.records:
                parsed.errors.append(parsed._at(line, KIND_COLUMN, "第一条记录缺少业务类型"))
            else:
                parsed.records[-1].record.invoices.append(invoice)
                parsed.records[-1].lines.append(line)
            continue
        kind = KIND_WORDS.get(cells[KIND_COLUMN], cells[KIND_COLUMN])  # an unknown word is refused by the check
        parsed.records.append(ParsedRecord(Record(kind, head, [invoice] if invoice else []), [line]))
    return parsed


# --- the template ---------------------------------------------------------------------------------------------


def _rule_text(name: str) -> tuple[str, str, str]:
    """(类型/长度, 采购必填, 退货必填) as the guide's table says."""
    rules = {
        "3503": {n: (k, s, r) for n, k, s, r in purchase.PURCHASE_3503 + purchase.INVOICE},
        "3504": {n: (k, s, r) for n, k, s, r in purchase.RETURN_3504 + purchase.INVOICE},
    }
    kind, size, _ = rules["3503"].get(name) or rules["3504"][name]
    shape = {
        "str": f"文字，最长 {size}",
        "num": f"数值 {size[0]},{size[1]}" if isinstance(size, tuple) else "数值",
        "date": "日期 yyyy-MM-dd",
        "datetime": "时间 yyyy-MM-dd HH:mm:ss",
        "flag": "0 或 1",
    }[kind]

    def need(table):
        if name not in table:
            return "不填"
        return "必填" if table[name][2] else "选填"

    return shape, need(rules["3503"]), need(rules["3504"])


def template_rows() -> list[list[str]]:
    """The instructions sheet: one line per column."""
    lines = [
        ["列", "字段", "类型", "采购", "退货"],
        [header_text(KIND_COLUMN), KIND_COLUMN, "采购 或 退货", "必填", "必填"],
    ]
    for name in PURCINFO_COLUMNS + INVOICE_COLUMNS:
        lines.append([header_text(name), name, *_rule_text(name)])
    return lines


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "采购与退货"
    sheet.append([header_text(name) for name in COLUMNS])
    for index in range(1, len(COLUMNS) + 1):
        # Text cells: Excel must not turn codes into numbers or dates into its own formats.
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        sheet.column_dimensions[get_column_letter(index)].width = 18
    notes = book.create_sheet("填写说明")
    notes.append(["每行一条采购或退货及其一张发票；同一记录的更多发票另起一行，只填发票列。退货发票金额应小于0。"])
    for line in template_rows():
        notes.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([header_text(name) for name in COLUMNS])
    return out.getvalue().encode("utf-8-sig")
