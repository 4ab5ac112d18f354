"""居民身份证号 (GB 11643): 18 characters with an ISO 7064 MOD 11-2 check character.

The 15-digit first-generation number is refused: those cards stopped being valid in 2013 and the gateway
identifies people by the 18-character number.
"""

import datetime
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdCardError(ValueError):
    pass


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_idcard(value: str) -> str:
    """Return the canonical form (upper-case X, no spaces) or raise IdCardError naming the fault."""
    if not isinstance(value, str):
        raise IdCardError("身份证号必须是字符串")
    text = value.strip().upper()
    if len(text) == 15 and text.isdigit():
        raise IdCardError("不受理15位旧身份证号，请使用18位身份证号")
    if not _SHAPE.match(text):
        raise IdCardError("身份证号应为18位：17位数字加1位数字或X")
    try:
        born = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdCardError("身份证号中的出生日期无效") from None
    if born.year < 1900 or born > datetime.date.today():
        raise IdCardError("身份证号中的出生日期无效")
    if check_character(text[:17]) != text[17]:
        raise IdCardError("身份证号校验位错误")
    return text


def is_valid_idcard(value: str) -> bool:
    try:
        normalize_idcard(value)
    except IdCardError:
        return False
    return True


def birth_date(certno: str) -> datetime.date:
    return datetime.date(int(certno[6:10]), int(certno[10:12]), int(certno[12:14]))


def gender_code(certno: str) -> str:
    """GB/T 2261.1: 1 male, 2 female, from the 17th digit."""
    return "1" if int(certno[16]) % 2 else "2"
