"""Signing and encryption toward the pay-after-care platform, shared by the portal's codec and the sandbox.

National (国密) primitives for the envelope of INTERFACES.md 1.7, the envelope itself (`sm_seal` / `sm_open`,
pure functions of their inputs), and the json codec's HMAC header signature (CONTRACT.md section 4).

- SM3 and SM4 come from `cryptography` (OpenSSL): fast and constant-time.
- SM2 comes from gmssl, which `cryptography` does not expose. gmssl draws its signing nonce from `random`
  (not a CSPRNG) and strips a leading "04" from public keys with `lstrip`, which also eats key digits; both are
  worked around here, so callers must not use gmssl directly.

Formats: private key = 64 hex chars (d); public key = 128 hex chars (x||y, uncompressed, without the 04 prefix;
a 130-char "04…" form is accepted); signature = Base64 of raw r||s (64 bytes), as the Shanxi implementation of the
national mobile-pay spec sends it (not DER). SM3withSM2 uses the default user id 1234567812345678.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from decimal import Decimal

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl.sm2 import CryptSM2, default_ecc_table

_N = int(default_ecc_table["n"], 16)
_G = default_ecc_table["g"]
# Envelope members that never take part in the signing string (INTERFACES.md 1.7 step 1).
_UNSIGNED = frozenset({"signData", "encData", "extra"})


class SmCryptoError(ValueError):
    """A key, ciphertext or signature that is not well formed."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _public_hex(public_key: str) -> str:
    key = public_key.strip().lower()
    if len(key) == 130 and key.startswith("04"):
        key = key[2:]
    if len(key) != 128:
        raise SmCryptoError("SM2 public key must be 128 hex characters (x||y)")
    try:
        bytes.fromhex(key)
    except ValueError:
        raise SmCryptoError("SM2 public key is not hex") from None
    return key


def _private_int(private_key: str) -> int:
    try:
        d = int(private_key.strip(), 16)
    except ValueError:
        raise SmCryptoError("SM2 private key is not hex") from None
    if not 1 <= d < _N - 1:
        raise SmCryptoError("SM2 private key out of range")
    return d


def _crypt(private_key: str, public_key: str) -> CryptSM2:
    crypt = CryptSM2(private_key=private_key, public_key="")
    crypt.public_key = public_key  # set after construction: gmssl's lstrip("04") would mangle some keys
    return crypt


def sm2_generate_keypair() -> tuple[str, str]:
    """(private hex, public hex x||y) from the OS's CSPRNG."""
    d = secrets.randbelow(_N - 2) + 1
    private = f"{d:064x}"
    public = _crypt(private, "")._kg(d, _G)
    return private, public


def sm2_public_key(private_key: str) -> str:
    d = _private_int(private_key)
    return _crypt(f"{d:064x}", "")._kg(d, _G)


def sm2_sign(message: bytes, private_key: str) -> str:
    """SM3withSM2 signature, Base64 of r||s. The public key enters the hash (Z value), so it is derived here."""
    d = _private_int(private_key)
    crypt = _crypt(f"{d:064x}", sm2_public_key(private_key))
    while True:
        k = f"{secrets.randbelow(_N - 1) + 1:064x}"
        signature = crypt.sign_with_sm3(message, k)
        if signature:  # None only for a degenerate k; draw another
            return base64.b64encode(bytes.fromhex(signature)).decode()


def sm2_verify(message: bytes, signature_b64: str, public_key: str) -> bool:
    """True only for a valid r||s signature by the holder of `public_key`; anything malformed is False."""
    try:
        raw = base64.b64decode(signature_b64, validate=True)
        key = _public_hex(public_key)
    except (binascii.Error, ValueError, TypeError):
        return False
    if len(raw) != 64:
        return False
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    try:
        return bool(_crypt("", key).verify_with_sm3(raw.hex(), message))
    except (TypeError, ValueError):  # a point not on the curve
        return False


def sm4_encrypt(key: bytes, plaintext: bytes) -> bytes:
    """SM4-ECB with PKCS#7 padding (the national envelope's choice; ECB is theirs, not ours)."""
    _check_sm4_key(key)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def sm4_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    _check_sm4_key(key)
    if not ciphertext or len(ciphertext) % 16:
        raise SmCryptoError("SM4 ciphertext length is not a positive multiple of 16")
    decryptor = Cipher(algorithms.SM4(key), modes.ECB()).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise SmCryptoError("SM4 padding is wrong (wrong key or damaged data)") from None


def _check_sm4_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != 16:
        raise SmCryptoError("SM4 key must be 16 bytes")


def sm4_key(app_id: str, app_secret: str) -> bytes:
    """The envelope's data key: first 16 chars of upper-hex(SM4(key=appId[0:16], appSecret)), as ASCII bytes."""
    if len(app_id) < 16:
        raise SmCryptoError("appId must have at least 16 characters to derive the SM4 key")
    return sm4_encrypt(app_id[:16].encode(), app_secret.encode()).hex().upper()[:16].encode()


def _empty(value) -> bool:
    return value is None or value == ""


def _json(value, *, canonical: bool) -> str:
    """Compact JSON, Chinese unescaped, Decimal written as the number it was parsed from.

    canonical=True (the signing form) also sorts keys and drops empty members at every depth.
    """
    if isinstance(value, dict):
        items = sorted(value.items()) if canonical else value.items()
        members = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{_json(v, canonical=canonical)}"
            for k, v in items
            if not (canonical and _empty(v))
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(item, canonical=canonical) for item in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def sm_signing_string(envelope_without_sign: dict, data: dict, app_secret: str) -> str:
    """`k=v&…&key=<appSecret>` over the envelope with plaintext `data` (INTERFACES.md 1.7 step 1)."""
    fields = {k: v for k, v in envelope_without_sign.items() if k not in _UNSIGNED} | {"data": data}
    parts = []
    for key in sorted(fields):
        value = fields[key]
        if _empty(value):
            continue
        parts.append(f"{key}={value if isinstance(value, str) else _json(value, canonical=True)}")
    return "&".join(parts) + f"&key={app_secret}"


def sm_seal(data: dict, *, app_id: str, app_secret: str, private_key: str, timestamp: str, **outer) -> dict:
    """The envelope carrying `data`: signed with our private key, encrypted with the derived SM4 key.

    `outer` adds plaintext members that are signed too: `version`, and on replies `code`, `message`, `success`.
    """
    envelope = {"appId": app_id, "encType": "SM4", "signType": "SM2", "timestamp": timestamp} | outer
    signature = sm2_sign(sm_signing_string(envelope, data, app_secret).encode(), private_key)
    cipher = sm4_encrypt(sm4_key(app_id, app_secret), _json(data, canonical=False).encode())
    return envelope | {"encData": cipher.hex().upper(), "signData": signature}


def sm_open(envelope: dict, *, app_secret: str, public_key: str) -> dict:
    """The plaintext `data` of an envelope whose signature `public_key` made; SmCryptoError naming the fault."""
    enc_data, sign_data, app_id = envelope.get("encData"), envelope.get("signData"), envelope.get("appId")
    if not all(isinstance(v, str) and v for v in (enc_data, sign_data, app_id)):
        raise SmCryptoError("envelope lacks appId, encData or signData")
    try:
        cipher = bytes.fromhex(enc_data)
    except ValueError:
        raise SmCryptoError("encData is not hex") from None
    plain = sm4_decrypt(sm4_key(app_id, app_secret), cipher)
    try:
        data = json.loads(plain, parse_float=Decimal)
    except ValueError:
        raise SmCryptoError("encData does not decrypt to JSON") from None
    if not isinstance(data, dict):
        raise SmCryptoError("encData does not decrypt to a JSON object")
    if not sm2_verify(sm_signing_string(envelope, data, app_secret).encode(), sign_data, public_key):
        raise SmCryptoError("signData does not verify")
    return data


def hmac_signature(secret: str, app_id: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The json codec's X-Signature: hex HMAC-SHA256 over app_id, timestamp, nonce and sha256(body), one a line."""
    message = "\n".join((app_id, timestamp, nonce, hashlib.sha256(body).hexdigest()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
