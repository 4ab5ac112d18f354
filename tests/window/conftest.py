import pytest

from apps.core import pii
from apps.ledger.gateway import Medium
from apps.outpatient.models import Department
from apps.sandbox.models import Person
from apps.sandbox.people import card_no, card_sn, ec_token, ensure_demo_people
from apps.window import selectors

ZHANG = "220102198805060015"
WANG = "220104199203150029"


def person(certno: str) -> Person:
    ensure_demo_people()
    return Person.objects.get(certno_hash=pii.keyed_hash(certno))


def medium_of(certno: str, kind: str = "02") -> dict:
    """The fields a card reader / scanner fills in for `kind` (01 医保码, 02 身份证, 03 社保卡)."""
    p = person(certno)
    number = {"01": ec_token(p), "02": certno, "03": card_no(p)}[kind]
    return {"mdtrt_cert_type": kind, "mdtrt_cert_no": number, "card_sn": card_sn(p) if kind == "03" else ""}


@pytest.fixture
def cashier(demo):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="cashier")


@pytest.fixture
def session_today(demo):
    """One of today's sessions still open, with places left."""
    dept = Department.objects.order_by("code").first()
    session = selectors.sessions_today(department_code=dept.code).first()
    assert session is not None, "demo data should hold sessions today"
    return session


@pytest.fixture
def read(sandbox, cashier):
    """Read a medium as the window does: (reading, Medium)."""
    from apps.window import services

    def _read(certno=ZHANG, kind="02"):
        reading = services.medium_read(**medium_of(certno, kind), opter=cashier)
        return reading, Medium.of(reading)

    return _read
