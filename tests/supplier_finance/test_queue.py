"""The upload queue against the sandbox gateway over real HTTP: one 3503 / 3504 per row, retries for failures
that did nothing, lost answers resolved by 2601 before anything is sent again, corrections of refused rows."""

import datetime

import pytest
from django.utils import timezone

from apps.integrations import recovery
from apps.integrations.models import Exchange, Outcome
from apps.integrations.nhsa import purchase as rules
from apps.sandbox.models import Fault, FaultMode
from apps.sandbox.nhsa.models import Message
from apps.supplier_finance import services
from apps.supplier_finance.models import Purchase, Status
from apps.supplier_finance.records import Record

from .conftest import purchase, purchase_return

pytestmark = pytest.mark.django_db(transaction=True)


def submit(*records) -> list[Purchase]:
    result = services.purchases_submit(list(records), source="api")
    assert result.errors == []
    return result.queued


def fault(infno: str, mode: str) -> None:
    Fault.objects.create(party="nhsa", interface=infno, mode=mode, remaining=1)


def status(row: Purchase) -> str:
    return Purchase.objects.get(pk=row.pk).status


def test_each_row_is_one_3503_or_3504(sandbox):
    rows = submit(purchase(1), purchase(2), purchase_return(3))
    assert services.purchases_upload_due() == 3
    assert {status(row) for row in rows} == {Status.UPLOADED}
    sent = Message.objects.filter(infno__in=["3503", "3504"], infcode=0)
    assert sorted(m.infno for m in sent) == ["3503", "3503", "3504"]
    exchange = Exchange.objects.get(msgid=Purchase.objects.get(pk=rows[2].pk).msgid)
    assert exchange.interface == "3504" and exchange.business == rows[2]
    assert '"taxAmount":"-12.5000"' in exchange.request_body["input"]["purcinfo"]["exp_content"]
    assert services.purchases_upload_due() == 0  # nothing is sent twice


def test_a_refused_row_fails_with_the_gateways_message_and_is_sent_again_once_corrected(sandbox, monkeypatch):
    # A portal that forgot aprvno is required: the gateway, reading 附录三 itself, refuses.
    lenient = tuple((n, k, s, False if n == "aprvno" else r) for n, k, s, r in rules.PURCHASE_3503)
    monkeypatch.setattr(rules, "PURCHASE_3503", lenient)
    info = {k: v for k, v in purchase(1).purcinfo.items() if k != "aprvno"}
    (row,) = submit(Record("3503", info, purchase(1).invoices))
    services.purchases_upload_due()
    row.refresh_from_db()
    assert row.status == Status.FAILED and "aprvno 必填" in row.status_message
    monkeypatch.undo()
    fixed = Record("3503", info | {"aprvno": "国药准字H1"}, services.purchase_wire(row)[1])
    corrected = services.purchase_correct(row=row, record=fixed)
    assert corrected.status == Status.PENDING
    services.purchases_upload_due()
    row.refresh_from_db()
    assert row.status == Status.UPLOADED and row.aprvno == "国药准字H1"
    assert Message.objects.filter(infno="3503").values_list("infcode", flat=True).order_by("id")[::1] == [-1, 0]


def test_an_unreachable_gateway_is_retried_with_backoff_then_left_for_a_person(sandbox, settings):
    (row,) = submit(purchase(1))
    good_url = settings.NHSA_BASE_URL
    settings.NHSA_BASE_URL = "http://127.0.0.1:9/"  # nothing listens: the request is never sent
    services.purchases_upload_due()
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1 and "稍后自动重试" in row.status_message
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert services.purchases_upload_due() == 0 and Purchase.objects.get(pk=row.pk).attempts == 1  # not due yet
    Purchase.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    settings.NHSA_BASE_URL = good_url
    assert services.purchases_upload_due() == 1 and status(row) == Status.UPLOADED

    (other,) = submit(purchase(2))
    settings.NHSA_BASE_URL = "http://127.0.0.1:9/"
    for _ in range(services.MAX_ATTEMPTS):
        Purchase.objects.filter(pk=other.pk).update(next_attempt_at=timezone.now())
        services.purchases_upload_due()
    other.refresh_from_db()
    assert other.status == Status.FAILED and "停止自动重试" in other.status_message
    settings.NHSA_BASE_URL = good_url
    services.purchase_retry(row=other)
    assert services.purchases_upload_due() == 1 and status(other) == Status.UPLOADED


@pytest.mark.parametrize(
    ("mode", "final"), [(FaultMode.TIMEOUT, "reversed"), (FaultMode.ERROR_500, "failed")], ids=["timeout", "500"]
)
def test_a_lost_answer_is_resolved_by_2601_and_only_then_sent_again(sandbox, sandbox_done, settings, mode, final):
    settings.RECOVERY_GRACE_SECONDS = 0
    (row,) = submit(purchase(1))
    fault("3503", mode)
    services.purchases_upload_due()
    row.refresh_from_db()
    assert row.status == Status.UNKNOWN and "结果未知" in row.status_message
    sandbox_done()
    first = Message.objects.filter(infno="3503").count()
    assert services.purchases_upload_due() == 0 and Message.objects.filter(infno="3503").count() == first  # no resend

    (resolution,) = recovery.resolve_pending()
    assert resolution.final == final and resolution.msgid == row.msgid
    assert Exchange.objects.get(interface="2601").request_body["input"]["data"]["psn_no"] == ""
    assert status(row) == Status.PENDING
    assert services.purchases_upload_due() == 1 and status(row) == Status.UPLOADED
    standing = Message.objects.filter(infno="3503", infcode=0, undone_at__isnull=True)
    assert standing.count() == 1  # whatever the lost message did was undone: one purchase stands
    assert Exchange.objects.filter(interface="3503", outcome=Outcome.UNKNOWN).count() == 1


def _as_if_the_worker_died(row: Purchase, exchange_outcome=None) -> None:
    """The row stays 上传中 ten minutes on; its call's log row is left as the killed worker left it."""
    msgid = Purchase.objects.get(pk=row.pk).msgid
    Purchase.objects.filter(pk=row.pk).update(
        status=Status.SENDING, updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    if exchange_outcome is not None:
        Exchange.objects.filter(msgid=msgid).update(
            outcome=exchange_outcome, created_at=timezone.now() - datetime.timedelta(minutes=10)
        )


def test_a_row_left_sending_by_a_dead_worker_is_decided_from_the_exchange_log(sandbox, sandbox_done, settings):
    settings.RECOVERY_GRACE_SECONDS = 0
    (never_sent,) = submit(purchase(1))
    _as_if_the_worker_died(never_sent)
    assert services.purchases_release_stuck() == 1 and status(never_sent) == Status.PENDING
    assert services.purchases_upload_due() == 1 and status(never_sent) == Status.UPLOADED

    (lost,) = submit(purchase(2))
    fault("3503", FaultMode.TIMEOUT)
    services.purchases_upload_due()
    sandbox_done()
    _as_if_the_worker_died(lost, Outcome.PENDING)  # killed while waiting for the answer
    assert services.purchases_release_stuck() == 1 and status(lost) == Status.UNKNOWN
    (resolution,) = recovery.resolve_pending()
    assert resolution.final == "reversed" and status(lost) == Status.PENDING
    assert services.purchases_upload_due() == 1 and status(lost) == Status.UPLOADED
