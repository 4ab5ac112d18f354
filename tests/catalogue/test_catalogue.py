import datetime
from decimal import Decimal

import pytest

from apps.catalogue.models import Diagnosis, FeeItem
from apps.catalogue.selectors import diagnosis_get, fee_item_get, fee_items
from apps.catalogue.services import catalogue_import_csv, catalogue_template_csv, fee_line
from apps.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
HEADER = "院内项目编码,医保目录编码,项目名称,规格,单位,单价,类别,在用\n"


def test_demo_data_loads_about_forty_items_of_every_outpatient_category(demo):
    assert 35 <= FeeItem.objects.count() <= 50 and Diagnosis.objects.count() >= 10
    categories = set(FeeItem.objects.values_list("category", flat=True))
    assert {"registration", "western_drug", "patent_drug", "exam", "lab", "treatment", "bed", "nursing"} <= categories


def test_a_catalogue_item_becomes_a_bill_line_field_for_field(demo):
    item = fee_item_get("XY-0001")
    at = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    line = fee_line(item, "2", fee_ocur_time=at, rx_no="RX1", bilg_dr_name="赵明")
    assert (line.med_list_codg, line.medins_list_codg, line.pric, line.cnt) == (
        "XJ01CAA040A001010100035",
        "XY-0001",
        Decimal("12.500000"),
        Decimal("2"),
    )
    assert line.amount == Decimal("25.00") and line.category == "western_drug" and line.rx_no == "RX1"
    for bad in ("0", "-1", "abc", "NaN", "10000", "1.00001"):
        with pytest.raises(ApplicationError) as refused:
            fee_line(item, bad, fee_ocur_time=at)
        assert refused.value.extra["field"] == "cnt"


def test_a_stopped_or_unknown_item_and_an_unknown_diagnosis_are_refused_by_name(demo):
    FeeItem.objects.filter(medins_list_codg="XY-0002").update(active=False)
    with pytest.raises(ApplicationError, match="已停用"):
        fee_item_get("XY-0002")
    with pytest.raises(ApplicationError, match="不存在"):
        fee_item_get("NOPE")
    assert not fee_items(q="头孢克肟").exists() and fee_items(q="阿莫西林").count() == 1
    assert diagnosis_get("J06.900").diag_name == "急性上呼吸道感染"
    with pytest.raises(ApplicationError, match="诊断目录"):
        diagnosis_get("Z99.999")


def test_csv_import_adds_and_updates_in_utf8_or_gbk(demo):
    text = (
        HEADER
        + "XY-0001,XJ01CAA040A001010100035,阿莫西林胶囊,0.25g*24粒,盒,13.00,西药,是\n"
        + "NEW-1,X123,新药,1g,盒,1.5,西药,否\n"
    )
    assert catalogue_import_csv(text.encode("gbk")) == {"rows": 2, "added": 1}
    assert fee_item_get("XY-0001").pric == Decimal("13.00")
    assert FeeItem.objects.get(medins_list_codg="NEW-1").active is False
    assert catalogue_import_csv(catalogue_template_csv().encode()) == {"rows": 1, "added": 0}


def test_a_csv_with_any_bad_row_imports_nothing_and_names_every_error(demo):
    before = list(FeeItem.objects.values_list("medins_list_codg", "pric"))
    text = HEADER + (
        "XY-0001,XJ01CAA040A001010100035,阿莫西林胶囊,0.25g*24粒,盒,99.00,西药,是\n"
        ",X1,无编码,,盒,1,西药,是\n"
        "A-2,X2,坏价格,,盒,-1,西药,是\n"
        "A-3,X3,坏类别,,盒,1,饮料,是\n"
        "A-3,X3,重复,,盒,1,西药,是\n"
    )
    with pytest.raises(ApplicationError) as refused:
        catalogue_import_csv(text.encode())
    errors = refused.value.extra["errors"]
    assert [e.split("：")[0] for e in errors] == ["第3行", "第4行", "第5行", "第6行"]
    assert "院内项目编码" in errors[0] and "单价" in errors[1] and "类别" in errors[2] and "重复" in errors[3]
    assert list(FeeItem.objects.values_list("medins_list_codg", "pric")) == before
    with pytest.raises(ApplicationError, match="表头"):
        catalogue_import_csv(b"a,b\n1,2\n")


def test_finance_reads_the_catalogue_in_the_admin_and_only_an_admin_imports(demo, login):
    client = login("finance")
    assert client.get("/admin/catalogue/feeitem/?q=阿莫西林").status_code == 200
    assert "阿莫西林胶囊" in client.get("/admin/catalogue/feeitem/?q=阿莫西林").content.decode()
    client.post("/admin/catalogue/feeitem/import/", {"file": _upload(HEADER + "Z-1,X,某药,,盒,1,西药,是\n")})
    assert not FeeItem.objects.filter(medins_list_codg="Z-1").exists()


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("items.csv", text.encode(), content_type="text/csv")
