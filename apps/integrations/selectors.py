"""What the exchange log tells the business apps about their own calls."""

from django.db.models import Subquery
from django.db.models.functions import Coalesce

from apps.core.refs import ref_fields
from apps.integrations.models import Direction, Exchange, Outcome


def call_unanswered(*, interface: str, business) -> bool:
    """Whether a call of `interface` about `business` ended without a clean answer (timed out, broken,
    unreadable) since the last one that succeeded: the upstream may have done what it asked, unknown to us. Money
    calls are resolved by recovery; a call that stores data (a fee upload) would be refused as a duplicate when
    sent again, and is undone first. Once a later call succeeds, the earlier failure is settled."""
    calls = Exchange.objects.filter(direction=Direction.OUT, interface=interface, **ref_fields(business))
    last_ok = calls.filter(outcome=Outcome.OK).order_by("-id").values("id")[:1]
    return calls.filter(outcome=Outcome.FAILED, id__gt=Coalesce(Subquery(last_ok), 0)).exists()
