"""resolve_pending beyond the fault matrix: the command, two workers at once, a failing receiver, a party
without a resolver."""

import importlib
import logging
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from apps.integrations import recovery, tasks
from apps.integrations.models import Exchange, Outcome, RecoveryClaim
from apps.integrations.nhsa import client
from apps.integrations.signals import outcome_resolved
from apps.integrations.transport import UpstreamUnknownOutcome
from apps.sandbox.models import FaultMode
from apps.sandbox.nhsa.models import Settlement

from .conftest import OPTER, balance, fault, outpatient_bill, register

pytestmark = pytest.mark.django_db(transaction=True)


def _unknown_settlement(person) -> Exchange:
    mdtrt_id = register(person)
    fault("2207", FaultMode.TRUNCATED)
    with pytest.raises(UpstreamUnknownOutcome):
        client.settle_outpatient(
            opter=OPTER, insuplc_admdvs=person.insuplc_admdvs, bill=outpatient_bill(person, mdtrt_id)
        )
    return Exchange.objects.get(interface="2207", outcome=Outcome.UNKNOWN)


def test_command_prints_each_resolution_and_a_summary(zhang):
    original = _unknown_settlement(zhang)
    out = StringIO()
    call_command("resolve_pending", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2 and original.msgid in lines[0] and "已冲正" in lines[0]
    assert lines[1] == "已处理 1 笔，仍待处理 0 笔"
    out = StringIO()
    call_command("resolve_pending", stdout=out)
    assert out.getvalue().strip() == "已处理 0 笔，仍待处理 0 笔"


@pytest.mark.parametrize(
    ("args", "reason"), [(["--party", "bank"], "--party"), (["--older-than", "soon"], "--older-than")]
)
def test_command_refuses_bad_input_and_changes_nothing(zhang, args, reason):
    original = _unknown_settlement(zhang)
    with pytest.raises(CommandError, match=reason):
        call_command("resolve_pending", *args)
    original.refresh_from_db()
    assert original.resolved_at is None and not Exchange.objects.filter(interface="2601").exists()


def test_older_than_leaves_fresh_exchanges_alone(zhang):
    _unknown_settlement(zhang)
    assert recovery.resolve_pending(older_than_seconds=3600) == []
    assert len(recovery.resolve_pending()) == 1


def test_a_failing_receiver_rolls_the_resolution_back_for_the_next_run(zhang):
    original = _unknown_settlement(zhang)

    def broken(sender, **kwargs):
        raise RuntimeError("business app down")

    outcome_resolved.connect(broken, weak=False)
    try:
        assert recovery.resolve_pending() == []
    finally:
        outcome_resolved.disconnect(broken)
    original.refresh_from_db()
    assert original.resolved_at is None and "business app down" in RecoveryClaim.objects.get().last_note
    # The gateway did undo it; the next run learns that from the second 2601 and records it.
    assert Settlement.objects.get().status == Settlement.Status.REVERSED
    [resolution] = recovery.resolve_pending()
    assert resolution.final == recovery.REVERSED and "已冲正" in resolution.detail
    assert balance(zhang) == 800


def test_a_party_without_a_resolver_is_skipped_and_logged(db, caplog):
    ghost = Exchange.objects.create(direction="out", party="ghost", interface="X1", money=True, outcome=Outcome.UNKNOWN)
    with caplog.at_level(logging.WARNING, logger="apps.integrations.recovery"):
        assert recovery.resolve_pending() == []
    assert "ghost" in caplog.text
    ghost.refresh_from_db()
    assert ghost.resolved_at is None and not RecoveryClaim.objects.exists()


def test_two_workers_resolve_an_exchange_once(zhang):
    original = _unknown_settlement(zhang)
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.extend(recovery.resolve_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.exchange_id for r in results] == [original.pk]
    assert Exchange.objects.filter(interface="2601").count() == 1


def test_a_live_claim_keeps_other_workers_off(zhang):
    original = _unknown_settlement(zhang)
    assert recovery._claim(original) is not None
    assert recovery.resolve_pending() == []
    assert not Exchange.objects.filter(interface="2601").exists()


def test_an_expired_claim_is_taken_over(zhang):
    original = _unknown_settlement(zhang)
    recovery._claim(original)
    RecoveryClaim.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert [r.exchange_id for r in recovery.resolve_pending()] == [original.pk]
    assert RecoveryClaim.objects.get().attempts == 2


def test_a_failed_2601_leaves_the_exchange_for_the_next_run(zhang, resolved_signals):
    original = _unknown_settlement(zhang)
    fault("2601", FaultMode.ERROR_500)
    assert recovery.resolve_pending() == []
    original.refresh_from_db()
    assert original.resolved_at is None and resolved_signals == []
    assert Exchange.objects.get(interface="2601").outcome == Outcome.FAILED
    assert [r.final for r in recovery.resolve_pending()] == [recovery.REVERSED]
    assert len(resolved_signals) == 1


def test_schedule_migration_is_idempotent_and_task_is_thin(db):
    from django.apps import apps
    from django_q.models import Schedule

    migration = importlib.import_module("apps.integrations.migrations.0003_schedule_resolve_pending").Migration
    [operation] = migration.operations
    operation.code(apps, None)
    operation.code(apps, None)
    [row] = Schedule.objects.filter(name="resolve_pending")
    assert (row.func, row.schedule_type, row.minutes) == ("apps.integrations.tasks.resolve_pending_task", "I", 5)
    assert tasks.resolve_pending_task() == "resolved 0"
