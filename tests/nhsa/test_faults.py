"""The fault matrix for every money call: what the portal records, what the gateway did, and what
resolve_pending makes of it. The gateway never sees the money call a second time."""

import socket
from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.integrations.models import Exchange, Outcome
from apps.integrations.nhsa import client
from apps.integrations.recovery import FAILED, REVERSED, resolve_pending
from apps.integrations.transport import UpstreamRefused, UpstreamUnavailable, UpstreamUnknownOutcome
from apps.sandbox.models import FaultMode
from apps.sandbox.nhsa.models import Deposit, Message, Settlement

from .conftest import OPTER, admit, balance, charge, fault, inpatient_bill, outpatient_bill, register

pytestmark = pytest.mark.django_db(transaction=True)
NOPE = "220100000000000000000000000000"


@dataclass
class Case:
    infno: str
    patient: str  # fixture name
    prepare: object  # (person) -> ctx dict
    send: object  # (person, ctx, broken) -> result
    rows: object  # model whose rows the call creates or changes


def _settled(person, mdtrt_id, settle):
    return settle(opter=OPTER, insuplc_admdvs=person.insuplc_admdvs, bill=outpatient_bill(person, mdtrt_id))


def _prep_outpatient(person):
    return {"mdtrt_id": register(person)}


def _prep_outpatient_settled(person):
    mdtrt_id = register(person)
    return {"mdtrt_id": mdtrt_id, "setl_id": _settled(person, mdtrt_id, client.settle_outpatient).setl_id}


def _prep_inpatient(person):
    mdtrt_id = admit(person)
    charge(person, mdtrt_id)
    return {"mdtrt_id": mdtrt_id}


def _prep_inpatient_settled(person):
    mdtrt_id = _prep_inpatient(person)["mdtrt_id"]
    done = client.settle_inpatient(
        opter=OPTER, insuplc_admdvs=person.insuplc_admdvs, bill=inpatient_bill(person, mdtrt_id)
    )
    return {"mdtrt_id": mdtrt_id, "setl_id": done.setl_id}


def _prep_deposit(person):
    mdtrt_id = admit(person)
    done = client.pay_deposit(
        opter=OPTER, insuplc_admdvs=person.insuplc_admdvs, psn_no=person.psn_no, mdtrt_id=mdtrt_id, ipt_no="ZY0001",
        dpst_amt=Decimal("300.00"), dpst_sn="YJ0",
    )  # fmt: skip
    return {"mdtrt_id": mdtrt_id, "dpst_id": done.dpst_id}


def _common(person, ctx, broken):
    return {"opter": OPTER, "insuplc_admdvs": person.insuplc_admdvs, "mdtrt_id": NOPE if broken else ctx["mdtrt_id"]}


def _send_2207(person, ctx, broken):
    c = _common(person, ctx, broken)
    return client.settle_outpatient(
        opter=OPTER, insuplc_admdvs=c["insuplc_admdvs"], bill=outpatient_bill(person, c["mdtrt_id"])
    )


def _send_2207b(person, ctx, broken):
    c = _common(person, ctx, broken)
    return client.settle_clinic(
        opter=OPTER, insuplc_admdvs=c["insuplc_admdvs"], bill=outpatient_bill(person, c["mdtrt_id"])
    )


def _send_2304(person, ctx, broken):
    c = _common(person, ctx, broken)
    return client.settle_inpatient(
        opter=OPTER, insuplc_admdvs=c["insuplc_admdvs"], bill=inpatient_bill(person, c["mdtrt_id"])
    )


def _reversal(function):
    def send(person, ctx, broken):
        return function(**_common(person, ctx, False), psn_no=person.psn_no, setl_id=NOPE if broken else ctx["setl_id"])

    return send


def _send_c2304(person, ctx, broken):
    return client.pay_deposit(
        **_common(person, ctx, broken), psn_no=person.psn_no, ipt_no="ZY0001", dpst_amt=Decimal("500.00"), dpst_sn="YJ1"
    )


def _send_c2305(person, ctx, broken):
    return client.refund_deposit(
        **_common(person, ctx, False), psn_no=person.psn_no, dpst_id=NOPE if broken else ctx["dpst_id"],
        refd_amt=Decimal("300.00"),
    )  # fmt: skip


CASES = {
    "2207": Case("2207", "zhang", _prep_outpatient, _send_2207, Settlement),
    "2207B": Case("2207B", "zhang", _prep_outpatient, _send_2207b, Settlement),
    "2208": Case(
        "2208", "zhang", _prep_outpatient_settled, _reversal(client.reverse_outpatient_settlement), Settlement
    ),
    "2304": Case("2304", "li", _prep_inpatient, _send_2304, Settlement),
    "2305": Case("2305", "li", _prep_inpatient_settled, _reversal(client.reverse_inpatient_settlement), Settlement),
    "C2304": Case("C2304", "li", _prep_inpatient, _send_c2304, Deposit),
    "C2305": Case("C2305", "li", _prep_deposit, _send_c2305, Deposit),
}


def state(case: Case, person) -> tuple:
    """What the gateway holds: standing settlements or paid deposits, and the person's account balance."""
    if case.rows is Settlement:
        standing = Settlement.objects.filter(status=Settlement.Status.SETTLED).count()
    else:
        standing = Deposit.objects.filter(status=Deposit.Status.PAID).count()
    return standing, balance(person)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _original(infno) -> Exchange:
    return Exchange.objects.get(interface=infno)


# (mode, the exception, outcome recorded, did the gateway process it, final after resolve_pending or None)
MATRIX = [
    ("connect_refused", UpstreamUnavailable, Outcome.FAILED, False, None),
    (FaultMode.TIMEOUT, UpstreamUnknownOutcome, Outcome.UNKNOWN, True, REVERSED),
    (FaultMode.ERROR_500, UpstreamUnknownOutcome, Outcome.UNKNOWN, False, FAILED),
    (FaultMode.HTML, UpstreamUnknownOutcome, Outcome.UNKNOWN, False, FAILED),
    (FaultMode.TRUNCATED, UpstreamUnknownOutcome, Outcome.UNKNOWN, True, REVERSED),
    ("infcode_-1", UpstreamRefused, Outcome.REFUSED, True, None),
]


@pytest.mark.parametrize("infno", list(CASES))
@pytest.mark.parametrize(("mode", "error", "outcome", "processed", "final"), MATRIX, ids=[m[0] for m in MATRIX])
def test_money_call_fault(
    request, settings, resolved_signals, sandbox_done, infno, mode, error, outcome, processed, final
):
    case = CASES[infno]
    person = request.getfixturevalue(case.patient)
    ctx = case.prepare(person)  # also signs the operator in, so the money call is the first thing to fail
    before = state(case, person)
    rows_before = case.rows.objects.count()
    if mode == "connect_refused":
        settings.NHSA_BASE_URL = f"http://127.0.0.1:{closed_port()}/"
    elif mode != "infcode_-1":
        fault(infno, mode)

    with pytest.raises(error):
        case.send(person, ctx, mode == "infcode_-1")
    sandbox_done()

    original = _original(infno)
    assert original.outcome == outcome and original.money
    took_effect = processed and mode != "infcode_-1"
    assert Message.objects.filter(infno=infno).count() == (1 if processed else 0)
    if infno in ("2207", "2207B", "2304", "C2304"):
        # A new settlement or deposit exists at most once: the portal never sent a second one.
        assert case.rows.objects.count() == rows_before + (1 if took_effect else 0)
    else:
        assert case.rows.objects.count() == rows_before
    assert (state(case, person) != before) == took_effect

    settings.NHSA_BASE_URL = f"{request.getfixturevalue('gw').url}/sandbox/nhsa/"
    resolutions = resolve_pending()
    original.refresh_from_db()
    if final is None:
        assert resolutions == [] and original.resolved_at is None and resolved_signals == []
        assert state(case, person) == before
        return

    assert [(r.exchange_id, r.final, r.took_effect) for r in resolutions] == [(original.pk, final, took_effect)]
    assert original.resolved_at is not None and original.resolution.startswith(final)
    reversal = original.resolved_by
    assert reversal.interface == "2601"
    assert reversal.request_body["input"]["data"] == {
        "psn_no": person.psn_no,
        "omsgid": original.msgid,
        "oinfno": infno,
    }
    assert state(case, person) == before  # undone, or never done
    assert [(s["exchange"].pk, s["took_effect"], s["final"]) for s in resolved_signals] == [
        (original.pk, took_effect, final)
    ]
    # The money call itself went to the gateway once, under its one msgid.
    assert Exchange.objects.filter(interface=infno).count() == 1
    assert Message.objects.filter(infno=infno).count() == (1 if processed else 0)

    assert resolve_pending() == []
    assert len(resolved_signals) == 1 and Exchange.objects.filter(interface="2601").count() == 1
