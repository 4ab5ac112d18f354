"""Bill kinds: how each section's bills speak to the spine. Each app registers its kind from `AppConfig.ready()`:

    from apps.ledger.kinds import BillKind, bill_kinds

    class RegistrationBills(BillKind):
        key = "registration"
        label = "线上挂号"
        def settled(self, bill, movement): ...

    bill_kinds.register(RegistrationBills())

The spine (org_002 / org_003 / org_004, refunds, recovery) finds the kind by `Bill.kind` and calls these hooks;
it never imports the owner's app. The hooks that run "within the bill's transaction" are called while the bill's
row is locked: they may write the owner's rows and queue messages, but must not call an upstream.
"""

from apps.core.errors import ApplicationError


class BillKind:
    key: str = ""
    label: str = ""
    movement_kind: str = "outpatient_settlement"  # ledger.models.Kind of its settlements
    # Settled at the gateway as an inpatient stay (2301 / 2303 / 2304 / 2305) rather than a visit (2204 …).
    inpatient: bool = False

    def payable(self, bill) -> bool:
        """May the platform's cashier take this open bill now (org_002 lists it)?"""
        return True

    def prepare(self, bill) -> None:
        """Before org_002 answers with this bill: e.g. register the visit at the gateway so that the bill has a
        `mdtrt_id`. May call upstreams; raise ApplicationError to refuse."""

    def settled(self, bill, movement, *, late: bool) -> None:
        """Within the bill's transaction: the bill was settled (`late`: it had been closed first)."""

    def tips(self, bill) -> list[str]:
        """`common_tip_list` of the settlement reply: what the patient should do next."""
        return []

    def refunded(self, bill, movement) -> None:
        """Within the bill's transaction: a refund of the whole bill took effect."""


class BillKindRegistry:
    def __init__(self):
        self._kinds: dict[str, BillKind] = {}

    def register(self, kind: BillKind) -> BillKind:
        if not kind.key:
            raise ValueError("a BillKind needs a key")
        self._kinds[kind.key] = kind
        return kind

    def unregister(self, key: str) -> None:
        self._kinds.pop(key, None)

    def get(self, key: str) -> BillKind | None:
        return self._kinds.get(key)

    def of(self, bill) -> BillKind:
        kind = self._kinds.get(bill.kind)
        if kind is None:
            raise ApplicationError(f"账单类型 {bill.kind} 未注册")
        return kind

    def choices(self) -> list[tuple[str, str]]:
        return [(key, kind.label) for key, kind in self._kinds.items()]


bill_kinds = BillKindRegistry()
