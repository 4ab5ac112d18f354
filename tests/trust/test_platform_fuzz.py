"""Issue 8, items 7 and fuzzing in CI: /api/platform/* as its OpenAPI schema documents it, fuzzed with
schemathesis over real HTTP, every request signed as CONTRACT.md section 4 says. No answer may be a 5xx or
outside the documented schema (refusals included); afterwards no demo 身份证号 is at rest."""

import copy

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.core.demo import DEMO_PATIENTS
from tests.trust.conftest import signed_headers
from tests.trust.test_no_idcard_at_rest import assert_no_certno_at_rest

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CERTNOS = [p["certno"] for p in DEMO_PATIENTS]


def platform_schema() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    schema["paths"] = {path: item for path, item in schema["paths"].items() if path.startswith("/api/platform/")}
    return schema


def test_the_schema_documents_every_refusal_and_both_amount_forms():
    from apps.integrations.router import platform_router

    schema = platform_schema()
    routes = platform_router.routes()
    assert set(schema["paths"]) == {f"/api/platform/{route}" for route in routes}
    for route, view in routes.items():
        responses = schema["paths"][f"/api/platform/{route}"]["post"]["responses"]
        name = "PlatformReportRefusal" if view.style == "report" else "PlatformRefusal"
        refusal = {"$ref": f"#/components/schemas/{name}"}
        assert set(responses) == {"200", "400", "401", "413"}
        for code in ("400", "401", "413"):
            assert responses[code]["content"]["application/json"]["schema"] == refusal
        ok = responses["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert refusal in schema["components"]["schemas"][ok]["oneOf"]
    refusal = schema["components"]["schemas"]["PlatformRefusal"]
    assert set(refusal["required"]) == {"ret_code", "ret_msg", "result"}
    amount = schema["components"]["schemas"]["Org003Input"]["properties"]["feesum_amt"]
    assert [form["type"] for form in amount["oneOf"]] == ["string", "number"]


@pytest.fixture
def fuzz_schema():
    """The platform's part of the schema, with the demo patients as examples so that some calls find one."""
    schema = copy.deepcopy(platform_schema())
    for component in schema["components"]["schemas"].values():
        for name in ("mdtrt_cert_no", "cert_no"):
            if name in component.get("properties", {}):
                component["properties"][name]["examples"] = CERTNOS
    return schemathesis.openapi.from_dict(schema)


class PlatformSigner(requests.auth.AuthBase):
    """The four HMAC headers over exactly the bytes requests is about to send."""

    def __init__(self, settings):
        self.settings = settings

    def __call__(self, request):
        body = request.body or b""
        request.headers.update(signed_headers(self.settings, body if isinstance(body, bytes) else body.encode()))
        return request


@pytest.fixture
def signed_session(settings):
    session = requests.Session()
    session.auth = PlatformSigner(settings)
    return session


@pytest.fixture
def scanned_afterwards(caplog):
    yield
    assert_no_certno_at_rest(caplog.text)


fuzz = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.mark.django_db(transaction=True)
@fuzz.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_platform_api_fuzzed(case, sandbox, demo, signed_session, scanned_afterwards):
    response = case.call(base_url=sandbox.url, session=signed_session)
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db(transaction=True)
def test_org_004_not_found_is_documented(sandbox, demo, signed_session):
    schema = schemathesis.openapi.from_dict(platform_schema())
    operation = schema["/api/platform/org_004"]["POST"]
    case = operation.Case(body={"mdtrt_cert_type": "02", "mdtrt_cert_no": CERTNOS[0]})
    response = case.call(base_url=sandbox.url, session=signed_session)
    assert response.json()["ret_code"] == "00" and response.json()["result"] == "fail"
    case.validate_response(response, checks=CHECKS)
