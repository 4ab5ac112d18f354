"""What the exchange log tells the business apps about their own calls."""

from apps.core.refs import ref_fields
from apps.integrations.models import Direction, Exchange, Outcome


def call_unanswered(*, interface: str, business) -> bool:
    """Whether a call of `interface` about `business` ended without a clean answer (timed out, broken,
    unreadable): the upstream may have done what it asked, unknown to us. Money calls are resolved by recovery; a
    call that stores data (a fee upload) would be refused as a duplicate when sent again, and is undone first."""
    return Exchange.objects.filter(
        direction=Direction.OUT, interface=interface, outcome=Outcome.FAILED, **ref_fields(business)
    ).exists()
