import datetime
from decimal import Decimal

import pytest

from apps.core.demo import DEMO_PATIENTS
from apps.integrations.nhsa import client
from apps.integrations.signals import outcome_resolved
from apps.sandbox.models import Fault, Person
from apps.sandbox.people import ensure_demo_people

OPTER = ("cashier", "收费员")


@pytest.fixture
def gw(sandbox):
    """The sandbox gateway over the live server (with the sandbox fixture's short read timeout)."""
    ensure_demo_people()
    return sandbox


def _person(index: int) -> Person:
    return Person.objects.get(psn_no=DEMO_PATIENTS[index]["psn_no"])


@pytest.fixture
def zhang(gw):
    """张伟: 310, signed, personal account 800.00."""
    return _person(0)


@pytest.fixture
def wang(gw):
    """王芳: 390, not signed."""
    return _person(1)


@pytest.fixture
def li(gw):
    """李娜: 310, signed, inpatient."""
    return _person(2)


def certno(person: Person) -> str:
    return Person.objects.get(pk=person.pk).certno


def register(person: Person, *, opter=OPTER) -> str:
    return client.register_outpatient(
        opter=opter,
        insuplc_admdvs=person.insuplc_admdvs,
        psn_no=person.psn_no,
        insutype=person.insutype,
        begntime=datetime.datetime(2026, 4, 1, 9, 30),
        mdtrt_cert_type="02",
        mdtrt_cert_no=certno(person),
        ipt_otp_no="MZ0001",
        atddr_no="D001",
        dr_name="李医生",
        dept_code="NK01",
        dept_name="内科",
        caty="A03",
    ).mdtrt_id


def admit(person: Person, *, opter=OPTER) -> str:
    return client.admit_inpatient(
        opter=opter,
        insuplc_admdvs=person.insuplc_admdvs,
        psn_no=person.psn_no,
        insutype=person.insutype,
        begntime="2026-04-01 08:00:00",
        mdtrt_cert_type="02",
        mdtrt_cert_no=certno(person),
        ipt_no="ZY0001",
        atddr_no="D002",
        chfpdr_name="王主任",
        adm_diag_dscr="肺炎",
        adm_dept_codg="HX01",
        adm_dept_name="呼吸内科",
        adm_bed="12",
        dscg_maindiag_code="J18.900",
        dscg_maindiag_name="肺炎",
        diseinfo=[{"diag_type": "1", "diag_code": "J18.900", "diag_name": "肺炎", "maindiag_flag": "1"}],
    ).mdtrt_id


def outpatient_bill(person: Person, mdtrt_id: str, amount: str = "100.00") -> client.OutpatientBill:
    return client.OutpatientBill(
        psn_no=person.psn_no,
        insutype=person.insutype,
        mdtrt_id=mdtrt_id,
        medfee_sumamt=Decimal(amount),
        mdtrt_cert_no=certno(person),
        chrg_bchno="CB0001",
    )


def charge(person: Person, mdtrt_id: str, amount: str = "1000.00", *, sn: str = "I1") -> None:
    """2301: one uploaded line of `amount`, which 2303 / 2304 check the bill against."""
    client.upload_inpatient_fees(
        opter=OPTER,
        insuplc_admdvs=person.insuplc_admdvs,
        feedetail=[
            {
                "feedetl_sn": sn,
                "mdtrt_id": mdtrt_id,
                "psn_no": person.psn_no,
                "fee_ocur_time": "2026-04-02 10:00:00",
                "med_list_codg": "XJ02",
                "medins_list_codg": "YY02",
                "det_item_fee_sumamt": Decimal(amount),
                "cnt": Decimal("1"),
                "pric": Decimal(amount),
            }
        ],
    )


def inpatient_bill(person: Person, mdtrt_id: str, amount: str = "1000.00") -> client.InpatientBill:
    return client.InpatientBill(
        psn_no=person.psn_no,
        insutype=person.insutype,
        mdtrt_id=mdtrt_id,
        medfee_sumamt=Decimal(amount),
        mdtrt_cert_no=certno(person),
    )


def fault(infno: str, mode: str) -> None:
    Fault.objects.create(party="nhsa", interface=infno, mode=mode, remaining=1)


def balance(person: Person) -> Decimal:
    return Person.objects.get(pk=person.pk).acct_balance


@pytest.fixture
def resolved_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    outcome_resolved.connect(receiver, weak=False)
    yield received
    outcome_resolved.disconnect(receiver)
