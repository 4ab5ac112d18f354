"""The one rule for pay-after-care deposits at discharge (guide section 8: "退费或补收").

Rule: **the final settlement (2304, pay-later flag) charges the patient's whole share once, and every deposit
still held is then refunded whole (C2305).** The deposits never pay part of the bill.

Why this and not "deposits pay the bill, refund or top up the difference": C2305 refunds whole deposits only
(section 7). Offsetting would leave a remainder inside one deposit whenever the share is not a sum of whole
deposits, and giving that remainder back means refunding the deposit whole and collecting a part again: two
more money calls, each able to time out, at the moment the patient is leaving. With this rule no deposit is
ever split, each money call is one whole amount with its own unknown-outcome recovery, and the net for the
patient is the same: a top-up (补收) of share − deposits, or a refund of deposits − share.
"""

from dataclasses import dataclass
from decimal import Decimal

from apps.core.money import format_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DischargePlan:
    share: Decimal  # the patient's own cash part (psn_cash_pay), charged by 2304 through pay-later
    deposits: tuple  # (dpst_sn, amount) of every deposit still held: each refunded whole

    @property
    def deposits_total(self) -> Decimal:
        return sum((amount for _, amount in self.deposits), ZERO)

    @property
    def top_up(self) -> Decimal:
        """补收: what the patient pays beyond the deposits held."""
        return max(self.share - self.deposits_total, ZERO)

    @property
    def net_refund(self) -> Decimal:
        """What comes back to the patient in the end."""
        return max(self.deposits_total - self.share, ZERO)

    def words(self) -> list[str]:
        lines = [f"出院结算由先医后付支付个人负担 ¥{format_money(self.share)}（一次扣款）。"]
        if self.deposits:
            each = "、".join(f"¥{format_money(amount)}" for _, amount in self.deposits)
            total = format_money(self.deposits_total)
            lines.append(
                f"在院期间先医后付缴纳的押金共 {len(self.deposits)} 笔（{each}），合计 ¥{total}，"
                "结算成功后逐笔全额退回（预交金只能整笔退）。"
            )
        else:
            lines.append("没有需要退回的押金。")
        if self.top_up:
            lines.append(f"相当于补收 ¥{format_money(self.top_up)}：个人负担多于押金。")
        elif self.net_refund:
            lines.append(f"相当于退还 ¥{format_money(self.net_refund)}：押金多于个人负担。")
        else:
            lines.append("押金与个人负担相等，不补不退。")
        return lines


def discharge_plan(*, share: Decimal, deposits) -> DischargePlan:
    """`deposits`: the Deposit rows still held (paid and not refunded)."""
    return DischargePlan(share=share, deposits=tuple((d.dpst_sn, d.dpst_amt) for d in deposits))
