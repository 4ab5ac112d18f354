"""Property: the json codec's signature accepts exactly what was signed (CONTRACT.md section 4)."""

import json
import string

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.integrations.paylater import codec
from tests.paylater.conftest import sign_json

# Text the contract allows: any Unicode but NUL and lone surrogates.
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
bodies = st.dictionaries(texts, json_values, max_size=5).map(lambda d: json.dumps(d, ensure_ascii=False).encode())
nonces = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=8, max_size=64)


@hsettings(max_examples=150, deadline=None)
@given(body=bodies, nonce=nonces)
def test_signed_body_round_trips(body, nonce):
    inbound = codec.check_request(sign_json(settings, body, nonce=nonce), body)
    assert inbound.data == json.loads(body) and inbound.nonce == nonce
    assert inbound.app_id == settings.PAYLATER_APP_ID


@hsettings(max_examples=150, deadline=None)
@given(body=bodies, nonce=nonces, data=st.data())
def test_any_single_byte_change_fails(body, nonce, data):
    headers = sign_json(settings, body, nonce=nonce)
    index = data.draw(st.integers(0, len(body) - 1))
    new_byte = data.draw(st.integers(0, 255).filter(lambda b: b != body[index]))
    changed = body[:index] + bytes([new_byte]) + body[index + 1 :]
    with pytest.raises(codec.AuthFailed, match="X-Signature"):
        codec.check_request(headers, changed)


@hsettings(max_examples=50, deadline=None)
@given(body=bodies, nonce=nonces, data=st.data())
def test_any_header_change_fails(body, nonce, data):
    headers = sign_json(settings, body, nonce=nonce)
    name = data.draw(st.sampled_from(["X-Nonce", "X-Timestamp", "X-Signature"]))
    value = headers[name]
    index = data.draw(st.integers(0, len(value) - 1))
    replacement = data.draw(st.sampled_from("0123456789abcdef").filter(lambda c: c != value[index]))
    headers[name] = value[:index] + replacement + value[index + 1 :]
    with pytest.raises(codec.AuthFailed):
        codec.check_request(headers, body)
