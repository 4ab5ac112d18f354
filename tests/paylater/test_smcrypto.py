"""apps.core.smcrypto: SM3, SM2 (SM3withSM2, r||s Base64), SM4-ECB-PKCS7 and the envelope helpers."""

import base64
from decimal import Decimal

import pytest

from apps.core import smcrypto


@pytest.fixture(scope="module")
def keys():
    return smcrypto.sm2_generate_keypair()


def test_sm3_matches_the_standard_vector():
    # GB/T 32905-2016 appendix A, example 1.
    assert smcrypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_matches_the_standard_vector():
    # GB/T 32907-2016 appendix A: one block, key = plaintext = 0123456789abcdeffedcba9876543210.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    cipher = smcrypto.sm4_encrypt(key, key)
    assert cipher[:16].hex() == "681edf34d206965e86b3e94f536e4246"
    assert len(cipher) == 32  # PKCS#7 adds a whole block to a full block


def test_keypair_shape_and_public_key_derivation(keys):
    private, public = keys
    assert len(private) == 64 and len(public) == 128
    assert smcrypto.sm2_public_key(private) == public


def test_sm2_sign_verify_round_trip(keys):
    private, public = keys
    message = 'appId=x&data={"a":1}&key=s 中文'.encode()
    signature = smcrypto.sm2_sign(message, private)
    assert len(base64.b64decode(signature)) == 64  # raw r||s, not DER
    assert smcrypto.sm2_verify(message, signature, public)
    assert smcrypto.sm2_verify(message, signature, "04" + public)  # the prefixed form is accepted too


def test_sm2_refuses_tampered_message_and_signature_and_wrong_key(keys):
    private, public = keys
    message = b"orgCode=H22010200001&amount=12.30"
    signature = smcrypto.sm2_sign(message, private)
    assert not smcrypto.sm2_verify(b"orgCode=H22010200001&amount=12.31", signature, public)
    raw = bytearray(base64.b64decode(signature))
    raw[10] ^= 0x01
    assert not smcrypto.sm2_verify(message, base64.b64encode(bytes(raw)).decode(), public)
    _, other_public = smcrypto.sm2_generate_keypair()
    assert not smcrypto.sm2_verify(message, signature, other_public)
    other_private, _ = smcrypto.sm2_generate_keypair()
    assert not smcrypto.sm2_verify(message, smcrypto.sm2_sign(message, other_private), public)


@pytest.mark.parametrize("signature", ["", "not base64!", base64.b64encode(b"short").decode(), "A" * 88])
def test_sm2_malformed_signature_is_false_not_an_exception(keys, signature):
    assert smcrypto.sm2_verify(b"x", signature, keys[1]) is False


def test_sm2_public_key_with_leading_zero_or_four_digits_works():
    # gmssl's own constructor lstrips "04" characters; find a key whose x starts with 0 or 4 and check it.
    for _ in range(200):
        private, public = smcrypto.sm2_generate_keypair()
        if public[0] in "04":
            break
    else:
        pytest.skip("no such key drawn")
    assert smcrypto.sm2_verify(b"m", smcrypto.sm2_sign(b"m", private), public)


def test_sm4_round_trip_and_wrong_key():
    key = smcrypto.sm4_key("sandbox-app-0001", "sandbox-app-secret-0001")
    plain = '{"name":"张伟","amount":"12.30"}'.encode()
    cipher = smcrypto.sm4_encrypt(key, plain)
    assert smcrypto.sm4_decrypt(key, cipher) == plain
    wrong = smcrypto.sm4_key("sandbox-app-0002", "sandbox-app-secret-0001")
    try:
        recovered = smcrypto.sm4_decrypt(wrong, cipher)
    except smcrypto.SmCryptoError:
        recovered = None  # the usual case: the padding check catches the wrong key
    assert recovered != plain
    with pytest.raises(smcrypto.SmCryptoError):
        smcrypto.sm4_decrypt(key, cipher[:-1])


def test_sm4_key_derivation():
    key = smcrypto.sm4_key("sandbox-app-0001", "sandbox-app-secret-0001")
    expected = smcrypto.sm4_encrypt(b"sandbox-app-0001", b"sandbox-app-secret-0001").hex().upper()[:16]
    assert key == expected.encode() and len(key) == 16
    assert key.decode() == key.decode().upper()
    with pytest.raises(smcrypto.SmCryptoError):
        smcrypto.sm4_key("short", "secret")


def test_signing_string_sorts_drops_and_appends_the_secret():
    envelope = {
        "version": "2.0.1",
        "appId": "sandbox-app-0001",
        "timestamp": "1700000000000",
        "encType": "SM4",
        "signType": "SM2",
        "encData": "ABC",
        "signData": "xyz",
        "extra": {"a": 1},
        "empty": "",
        "none": None,
    }
    data = {"b": Decimal("12.30"), "a": "张伟", "z": None, "n": {"y": 1, "x": ""}, "l": [{"d": 2, "c": 1}]}
    text = smcrypto.sm_signing_string(envelope, data, "secret")
    assert text == (
        'appId=sandbox-app-0001&data={"a":"张伟","b":12.30,"l":[{"c":1,"d":2}],"n":{"y":1}}'
        "&encType=SM4&signType=SM2&timestamp=1700000000000&version=2.0.1&key=secret"
    )


SECRET = "sandbox-app-secret-0001"


def test_envelope_seal_open_round_trip(keys):
    private, public = keys
    data = {"orgCode": "H22010200001", "patientName": "张伟", "amount": "12.30", "n": Decimal("1.50"), "e": ""}
    envelope = smcrypto.sm_seal(
        data,
        app_id="sandbox-app-0001",
        app_secret=SECRET,
        private_key=private,
        timestamp="1700000000000",
        version="2.0.1",
    )
    assert set(envelope) == {"appId", "encType", "signType", "timestamp", "version", "encData", "signData"}
    assert envelope["encData"] == envelope["encData"].upper() and "张伟" not in envelope["encData"]
    assert smcrypto.sm_open(envelope, app_secret=SECRET, public_key=public) == data


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e | {"timestamp": "1700000000001"},
        lambda e: e | {"version": "9"},
        lambda e: e | {"encData": e["encData"][:-2] + ("00" if e["encData"][-2:] != "00" else "11")},
        lambda e: e | {"signData": smcrypto.sm2_sign(b"other", smcrypto.sm2_generate_keypair()[0])},
        lambda e: {k: v for k, v in e.items() if k != "signData"},
    ],
    ids=["timestamp", "version", "encData", "foreign-signature", "no-signature"],
)
def test_envelope_refuses_tampering(keys, change):
    private, public = keys
    envelope = smcrypto.sm_seal(
        {"a": "1"}, app_id="sandbox-app-0001", app_secret=SECRET, private_key=private, timestamp="1700000000000"
    )
    with pytest.raises(smcrypto.SmCryptoError):
        smcrypto.sm_open(change(envelope), app_secret=SECRET, public_key=public)


def test_envelope_refuses_wrong_public_key_and_wrong_secret(keys):
    private, _ = keys
    envelope = smcrypto.sm_seal(
        {"a": "1"}, app_id="sandbox-app-0001", app_secret=SECRET, private_key=private, timestamp="1700000000000"
    )
    with pytest.raises(smcrypto.SmCryptoError):
        smcrypto.sm_open(envelope, app_secret=SECRET, public_key=smcrypto.sm2_generate_keypair()[1])
    with pytest.raises(smcrypto.SmCryptoError):
        smcrypto.sm_open(envelope, app_secret="another-secret", public_key=keys[1])


def test_hmac_signature_matches_the_contract_formula():
    import hashlib
    import hmac

    body = '{"a":"张伟"}'.encode()
    expected = hmac.new(
        b"s", ("id\n1700000000000\nnonce-123\n" + hashlib.sha256(body).hexdigest()).encode(), hashlib.sha256
    ).hexdigest()
    assert smcrypto.hmac_signature("s", "id", "1700000000000", "nonce-123", body) == expected
