"""One typed settlement result, parsed once at the boundary and passed inward.

The national `setlinfo` names are kept as the spec spells them. org_003 builds a `PlatformSettlement` (the
platform settled and tells us); 2207 / 2207B / 2304 build a `SettlementResult` from the gateway adapter's typed
answer (`SettlementResult.from_nhsa`). The ledger keeps six of the amounts in columns and all of them in
`MoneyMovement.setlinfo`.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from apps.core.money import format_money

# The split the ledger keeps in columns (MoneyMovement), in the spec's names.
SPLIT = ("medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "psn_cash_pay", "acct_pay", "hosp_part_amt")


@dataclass(frozen=True, kw_only=True)
class SettlementResult:
    setl_id: str = ""
    mdtrt_id: str = ""
    setl_time: datetime.datetime | None = None
    # Every setlinfo amount that was present, by its national name.
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def split(self) -> dict[str, Decimal]:
        """The column amounts that are known."""
        return {name: self.amounts[name] for name in SPLIT if name in self.amounts}

    def setlinfo(self) -> dict[str, str]:
        return {name: format_money(value) for name, value in self.amounts.items()}

    @classmethod
    def from_nhsa(cls, settlement) -> "SettlementResult":
        """From the gateway adapter's `nhsa.types.Settlement` (2207 / 2207B / 2208 / 2304 / 2305)."""
        amounts = dict(settlement.amounts)
        for name in SPLIT:
            value = getattr(settlement, name, None)
            if value is not None:
                amounts.setdefault(name, value)
        when = None
        if settlement.setl_time:
            try:
                # The gateway writes local (Beijing) time without a zone.
                when = timezone.make_aware(datetime.datetime.strptime(settlement.setl_time, "%Y-%m-%d %H:%M:%S"))
            except ValueError:
                when = None
        return cls(setl_id=settlement.setl_id, mdtrt_id=settlement.mdtrt_id, setl_time=when, amounts=amounts)


@dataclass(frozen=True, kw_only=True)
class PlatformSettlement:
    """org_003: the platform settled a bill with the gateway and writes the result back."""

    org_trace_no: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    amp_trace_id: str
    doc_trace_no: str
    feesum_amt: Decimal
    trace_id: str = ""
    used_patient_type: str = ""
    result: SettlementResult = field(default_factory=SettlementResult)

    # What makes two write-backs "the same settlement": every identifier and every amount.
    IDENTITY = ("org_trace_no", "mdtrt_cert_no", "amp_trace_id", "trace_id", "doc_trace_no")

    def fingerprint(self) -> str:
        canonical = {name: getattr(self, name) for name in self.IDENTITY} | {
            "setl_id": self.result.setl_id,
            "mdtrt_id": self.result.mdtrt_id,
            "feesum_amt": format_money(self.feesum_amt),
            "amounts": self.result.setlinfo(),
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
