"""Signals the integrations layer sends so that business apps can move their own records."""

from django.dispatch import Signal

# Sent (sender=Exchange) once an unknown-outcome money call is settled by apps.integrations.recovery, inside the
# transaction that marks the exchange resolved: a receiver that raises rolls the resolution back for a later run.
# kwargs: exchange (the original call), took_effect (bool: did the original move money at the upstream),
# final ("succeeded" = it stands, "reversed" = it took effect and was undone, "failed" = it never took effect),
# detail (Chinese text for people).
outcome_resolved = Signal()
