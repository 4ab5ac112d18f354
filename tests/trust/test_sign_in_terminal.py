"""Issue 8, item 6: 9001 tells the gateway the terminal it is sent from (mac, ip), never empty strings."""

import json
import re
from pathlib import Path

import pytest
from werkzeug import Response

from apps.integrations.nhsa import envelope

pytestmark = pytest.mark.django_db
REPLY = (Path(envelope.__file__).parent / "fixtures" / "9001_reply.json").read_text()


@pytest.fixture
def gateway(httpserver, settings):
    """A stand-in gateway that keeps the 9001 bodies it receives."""
    received = []

    def handler(request):
        received.append(json.loads(request.get_data()))
        return Response(REPLY, content_type="application/json")

    httpserver.expect_request("/fsi/api/rsfComIfsService/callService", method="POST").respond_with_handler(handler)
    settings.NHSA_BASE_URL = httpserver.url_for("/")
    return received


def test_sign_in_sends_the_configured_terminal(gateway, settings):
    settings.NHSA_DEV_MAC, settings.NHSA_DEV_IP = "00-16-3E-12-34-56", "10.20.30.40"
    envelope.sign_in(opter=("cashier", "收费员"))
    [sent] = gateway
    assert sent["infno"] == "9001"
    assert sent["input"]["signIn"] == {"opter_no": "cashier", "mac": "00-16-3E-12-34-56", "ip": "10.20.30.40"}


def test_the_defaults_are_this_hosts_terminal(gateway):
    envelope.sign_in(opter=("cashier", "收费员"))
    sign_in = gateway[0]["input"]["signIn"]
    assert re.fullmatch(r"([0-9A-F]{2}-){5}[0-9A-F]{2}", sign_in["mac"])
    assert re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", sign_in["ip"])
