"""apps.core.idcard: the 18-character 居民身份证号 with its ISO 7064 MOD 11-2 check character."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.demo import DEMO_PATIENTS
from apps.core.idcard import (
    IdCardError,
    birth_date,
    check_character,
    gender_code,
    is_valid_idcard,
    normalize_idcard,
)
from apps.core.pii import mask_idcard


@st.composite
def valid_idcards(draw):
    region = draw(st.integers(min_value=110000, max_value=659999))
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def test_the_demo_patients_and_a_known_x_number_are_valid():
    for person in DEMO_PATIENTS:
        assert normalize_idcard(person["certno"]) == person["certno"]
    # 11010519491231002X is the GB 11643 worked example; a lower-case x and spaces are normalised.
    assert normalize_idcard(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    "value, message",
    [
        ("220102880506001", "不受理15位旧身份证号"),  # the first-generation form is refused on purpose
        ("22010219880506001", "应为18位"),
        ("2201021988050600150", "应为18位"),
        ("22010219880506001A", "应为18位"),
        ("", "应为18位"),
        ("220102198802300012", "出生日期无效"),  # 30 February
        ("220102189901010011", "出生日期无效"),  # before 1900
        ("220102198805060016", "校验位错误"),
    ],
)
def test_refusals_name_the_fault(value, message):
    with pytest.raises(IdCardError, match=message):
        normalize_idcard(value)
    assert not is_valid_idcard(value)


@pytest.mark.parametrize(
    "value, message",
    [
        (220102198805060015, "身份证号必须是字符串"),
        ("220102880506001", "不受理15位旧身份证号，请使用18位身份证号"),
        ("22010219880506001A", "身份证号应为18位：17位数字加1位数字或X"),
        ("220102198802300012", "身份证号中的出生日期无效"),
        ("220102189901010011", "身份证号中的出生日期无效"),
        ("220102198805060016", "身份证号校验位错误"),
    ],
)
def test_refusals_are_shown_to_staff_as_written(value, message):
    # The message reaches the cashier's form and the platform's ret_msg verbatim.
    with pytest.raises(IdCardError) as refused:
        normalize_idcard(value)
    assert str(refused.value) == message


def test_a_number_born_today_is_valid():
    first17 = f"220102{datetime.date.today():%Y%m%d}001"
    assert is_valid_idcard(first17 + check_character(first17))


def test_check_character_needs_exactly_seventeen_digits():
    assert check_character("11010519491231002") == "X"
    for wrong in ("1101051949123100", "110105194912310021"):
        with pytest.raises(ValueError):
            check_character(wrong)


def test_a_future_birth_date_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    first17 = f"220102{tomorrow:%Y%m%d}001"
    assert not is_valid_idcard(first17 + check_character(first17))


def test_mask_keeps_region_and_last_four():
    assert mask_idcard("220102198805060015") == "220102********0015"
    assert mask_idcard("") == ""
    assert mask_idcard(None) == ""


def test_birth_date_and_gender():
    assert birth_date("220102198805060015") == datetime.date(1988, 5, 6)
    assert gender_code("220102198805060015") == "1"
    assert gender_code("220104199203150029") == "2"


@given(valid_idcards())
def test_every_generated_number_passes(certno):
    assert normalize_idcard(certno) == certno and is_valid_idcard(certno)
    assert mask_idcard(certno) == certno[:6] + "********" + certno[-4:]


@given(valid_idcards(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_fails(certno, position, replacement):
    if position < 17 and replacement == "X":
        replacement = "0" if certno[position] != "0" else "1"
    if certno[position] == replacement:
        return
    changed = certno[:position] + replacement + certno[position + 1 :]
    assert not is_valid_idcard(changed)
