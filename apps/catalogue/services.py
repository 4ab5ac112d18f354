import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction

from apps.catalogue.models import FeeItem
from apps.core.errors import ApplicationError
from apps.ledger.models import ItemCategory
from apps.ledger.services import BillLine

# The CSV's columns, in the order of the template the admin offers (a header row is required).
CSV_COLUMNS = ["院内项目编码", "医保目录编码", "项目名称", "规格", "单位", "单价", "类别", "在用"]
_CATEGORY_BY_LABEL = {label: value for value, label in ItemCategory.choices}
_PRICE_LIMIT = Decimal("10") ** 10


def fee_line(
    item: FeeItem,
    cnt,
    *,
    fee_ocur_time: datetime.datetime,
    rx_no: str = "",
    bilg_dept_codg: str = "",
    bilg_dept_name: str = "",
    bilg_dr_codg: str = "",
    bilg_dr_name: str = "",
) -> BillLine:
    """A bill line for `cnt` of a catalogue item, at today's price."""
    try:
        cnt = Decimal(str(cnt))
    except InvalidOperation:
        raise ApplicationError(f"“{item.item_name}”的数量应为数字", {"field": "cnt"}) from None
    if not cnt.is_finite() or cnt <= 0 or cnt >= 10000 or cnt != cnt.quantize(Decimal("0.0001")):
        raise ApplicationError(f"“{item.item_name}”的数量应大于0、小于10000，最多4位小数", {"field": "cnt"})
    return BillLine(
        med_list_codg=item.med_list_codg,
        medins_list_codg=item.medins_list_codg,
        item_name=item.item_name,
        spec=item.spec,
        item_emp=item.item_emp,
        category=item.category,
        pric=item.pric,
        cnt=cnt,
        fee_ocur_time=fee_ocur_time,
        rx_no=rx_no,
        bilg_dept_codg=bilg_dept_codg,
        bilg_dept_name=bilg_dept_name,
        bilg_dr_codg=bilg_dr_codg,
        bilg_dr_name=bilg_dr_name,
    )


def catalogue_template_csv() -> str:
    example = "XY-0001,XJ01CAA040A001010100035,阿莫西林胶囊,0.25g*24粒,盒,12.50,西药,是"
    return "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n" + example + "\r\n"


def catalogue_import_csv(data: bytes) -> dict:
    """Add or update items from a CSV in the template's layout (UTF-8, with or without BOM, or GBK). Every row is
    checked first; one bad row and nothing changes, with every error listed by row and column."""
    rows, errors = _read_rows(data), []
    items, seen = [], set()
    for number, row in rows:
        values = dict(zip(CSV_COLUMNS, (cell.strip() for cell in row), strict=False))
        item, row_errors = _item_from_row(values)
        code = values.get("院内项目编码")
        if code and code in seen:
            row_errors.append(f"院内项目编码 {code} 在文件中重复")
        seen.add(code)
        errors += [f"第{number}行：{error}" for error in row_errors]
        if item and not row_errors:
            items.append(item)
    if errors:
        raise ApplicationError("文件有错误，未导入任何项目：" + "；".join(errors[:50]), {"errors": errors})
    with transaction.atomic():
        locked = FeeItem.objects.select_for_update().filter(medins_list_codg__in=seen)
        existing = {i.medins_list_codg: i for i in locked}
        fields = ["med_list_codg", "item_name", "spec", "item_emp", "pric", "category", "active"]
        for item in items:
            if item.medins_list_codg in existing:
                item.pk = existing[item.medins_list_codg].pk
        FeeItem.objects.bulk_update([i for i in items if i.pk], fields)
        FeeItem.objects.bulk_create([i for i in items if not i.pk])
    return {"rows": len(items), "added": sum(1 for i in items if i.medins_list_codg not in existing)}


def _read_rows(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [cell.strip() for cell in lines[0]][: len(CSV_COLUMNS)] != CSV_COLUMNS:
        raise ApplicationError("第1行应为表头：" + ",".join(CSV_COLUMNS))
    return [(number, row) for number, row in enumerate(lines[1:], start=2) if any(cell.strip() for cell in row)]


def _item_from_row(values: dict) -> tuple[FeeItem | None, list[str]]:
    errors = []
    for column, limit in (("院内项目编码", 50), ("医保目录编码", 50), ("项目名称", 100)):
        if not values.get(column):
            errors.append(f"“{column}”必填")
        elif len(values[column]) > limit:
            errors.append(f"“{column}”不超过{limit}个字")
    for column, limit in (("规格", 100), ("单位", 20)):
        if len(values.get(column) or "") > limit:
            errors.append(f"“{column}”不超过{limit}个字")
    try:
        pric = Decimal(values.get("单价") or "")
        if not pric.is_finite() or pric < 0 or pric >= _PRICE_LIMIT or pric != pric.quantize(Decimal("0.000001")):
            raise InvalidOperation
    except InvalidOperation:
        errors.append("“单价”应为不小于0的金额，最多6位小数")
        pric = None
    category = _CATEGORY_BY_LABEL.get(values.get("类别") or "")
    if category is None:
        errors.append("“类别”应为：" + "、".join(_CATEGORY_BY_LABEL))
    active = values.get("在用") or "是"
    if active not in ("是", "否"):
        errors.append("“在用”应为 是 或 否")
    if errors:
        return None, errors
    item = FeeItem(
        medins_list_codg=values["院内项目编码"],
        med_list_codg=values["医保目录编码"],
        item_name=values["项目名称"],
        spec=values.get("规格") or "",
        item_emp=values.get("单位") or "",
        pric=pric,
        category=category,
        active=active == "是",
    )
    return item, []
