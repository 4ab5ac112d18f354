"""Personal data: masking for screens and logs, encryption at rest, keyed hashes for exact look-up."""

import base64
import hashlib
import hmac
import os
import re
from decimal import Decimal
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(pii_key: str) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=SHA256(), length=64, salt=b"portal-pii", info=b"enc+mac").derive(pii_key.encode())
    return material[:32], material[32:]


def encrypt(plaintext: str) -> str:
    enc_key, _ = _keys(settings.PII_KEY)
    nonce = os.urandom(12)
    sealed = AESGCM(enc_key).encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    enc_key, _ = _keys(settings.PII_KEY)
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    return AESGCM(enc_key).decrypt(raw[:12], raw[12:], None).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the canonical value: equal inputs give equal hashes, without storing the value."""
    _, mac_key = _keys(settings.PII_KEY)
    return hmac.new(mac_key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_idcard(value: str | None) -> str:
    """220102198805060015 -> 220102********0015; a shorter value (a phone number, a card number sent as an ID)
    is hidden whole: keeping six and four of it would show all but a digit or two."""
    if not value:
        return ""
    if len(value) < 18:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """张伟 -> 张*, 欧阳娜娜 -> 欧**: the family name stays so the cashier can still address the patient; at most
    two stars, so a long name neither reveals its length nor runs across a phone screen."""
    if not value:
        return ""
    return value[0] + "*" * min(len(value) - 1, 2)


def mask_phone(value: str | None) -> str:
    """13904310015 -> 139****0015; a shorter number keeps at most its last four, and at least four are hidden."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) >= 8:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def mask_all(value: str | None) -> str:
    """Nothing of it kept: birth dates (the masked digits of an ID number) and one-time payment codes."""
    return "******" if value else ""


# Keys whose values are personal data or secrets wherever they appear in an exchange (INTERFACES.md names).
_MASKERS = {
    "brdy": mask_all,
    "access_code": mask_all,
    "cert_no": mask_idcard,
    "certno": mask_idcard,
    "certNo": mask_idcard,
    "idNo": mask_idcard,
    "mdtrt_cert_no": mask_idcard,
    "user_name": mask_name,
    "userName": mask_name,
    "psn_name": mask_name,
    "patientName": mask_name,
    "phone": mask_phone,
    "tel": mask_phone,
}
# Not inside a longer run of letters and digits: order and trace numbers (REG2026112615…) are not ID numbers,
# and staff must be able to search the log for them.
_IDCARD_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Mask any 18-character ID number standing alone inside free text (URLs, error messages)."""
    return _IDCARD_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)


def _number_text(value) -> str | None:
    """The digits of a JSON number, as a sender who writes an ID number without quotes means them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return None


def mask_payload(value):
    """A deep copy of a JSON-like value with personal data masked, for exchange logs.

    Keys are masked as text too (an ID number can be sent as a key), and numbers that spell an ID number are
    masked like text: the masked copy is a string then.
    """
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            masker = _MASKERS.get(key)
            digits = _number_text(item)
            if masker and isinstance(item, str):
                item = masker(item)
            elif masker and digits is not None:
                item = masker(digits)
            else:
                item = mask_payload(item)
            out[mask_text(key) if isinstance(key, str) else key] = item
        return out
    if isinstance(value, list):
        return [mask_payload(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    digits = _number_text(value)
    if digits is not None and mask_text(digits) != digits:
        return mask_text(digits)
    return value
