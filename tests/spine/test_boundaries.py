"""The spine's rules that hold for the whole code base: money rows are written by the ledger alone and never
changed; core sits at the bottom."""

import ast
import re
from pathlib import Path

import pytest

from apps.ledger.models import AppendOnly, MoneyMovement, MovementEvent, Status

ROOT = Path(__file__).resolve().parents[2]
BUSINESS_APPS = {"patients", "outpatient", "ledger", "guidance", "integrations", "sandbox", "inpatient", "reports",
                 "catalogue", "window", "clinic",
                 "reconciliation", "supplier_finance", "audit", "hospital_api"}  # fmt: skip
WRITES = re.compile(
    r"MoneyMovement\.objects\.(create|bulk_create|update|get_or_create|update_or_create|filter\([^)]*\)\.(update|delete))"
    r"|MovementEvent\.objects\.(create|bulk_create)"
)


def python_files(*parts):
    for path in ROOT.joinpath(*parts).rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def test_only_the_ledger_writes_money_movements():
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("apps")
        if path.parts[len(ROOT.parts) + 1] != "ledger" and WRITES.search(path.read_text())
    ]
    assert offenders == []


def test_core_imports_no_business_app():
    offenders = []
    for path in python_files("apps", "core"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.startswith("apps.") and name.split(".")[1] in BUSINESS_APPS
            ]
    assert offenders == []


@pytest.mark.django_db
def test_a_movement_is_never_changed_or_deleted(demo):
    from decimal import Decimal

    from apps.ledger.services import movement_create, movement_finish
    from apps.patients.models import Patient

    movement = movement_create(
        kind="refund", channel="window", patient=Patient.objects.first(), org_trace_no="RF-T-1",
        amount=Decimal("-1.00"), status=Status.PENDING,
    )  # fmt: skip
    movement.amount = Decimal("-2.00")
    with pytest.raises(AppendOnly):
        movement.save()
    with pytest.raises(AppendOnly):
        MoneyMovement.objects.filter(pk=movement.pk).update(amount=Decimal("0.00"))
    with pytest.raises(AppendOnly):
        MoneyMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(AppendOnly):
        movement.delete()

    assert movement_finish(movement=movement, took_effect=False, detail="平台拒绝")
    assert not movement_finish(movement=movement, took_effect=True, detail="迟到的应答不改变已定的结果")
    movement = MoneyMovement.objects.with_status().get(pk=movement.pk)
    assert movement.amount == Decimal("-1.00") and movement.status == Status.FAILED
    assert list(MovementEvent.objects.filter(movement=movement).values_list("status", flat=True)) == [
        Status.PENDING, Status.FAILED,
    ]  # fmt: skip
