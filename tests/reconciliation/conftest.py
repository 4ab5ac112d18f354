import datetime
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def patient(db):
    from apps.core import pii
    from apps.patients.models import Patient

    found = Patient.objects.filter(certno_hash=pii.keyed_hash("220102198805060015")).first()
    return found or Patient.objects.create(name="张伟", certno="220102198805060015", insutype="310")


@pytest.fixture
def book(patient):
    """Book a platform movement in the ledger, through the ledger's verbs: a payment (amount ≥ 0) or the refund of
    `refunds` (status as given)."""
    from apps.ledger.models import Channel, Kind, Status
    from apps.ledger.services import movement_create, movement_finish, movement_reverse

    def make(order_no, amount, *, status=Status.SUCCEEDED, refunds=None, when=None, setlinfo=None):
        if refunds is not None:
            movement = movement_reverse(movement=refunds, kind=Kind.REFUND, org_trace_no=order_no)
            if status != Status.PENDING:
                movement_finish(movement=movement, took_effect=status == Status.SUCCEEDED, detail="测试")
            return movement
        when = when or timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
        return movement_create(
            kind=Kind.OUTPATIENT_SETTLEMENT, channel=Channel.PAYLATER_ONLINE, patient=patient, org_trace_no=order_no,
            amount=Decimal(amount), status=status, occurred_at=when,
            split={"medfee_sumamt": Decimal(amount), "fund_pay_sumamt": Decimal("0.00"), "acct_pay": Decimal("0.00")},
        )  # fmt: skip

    return make
