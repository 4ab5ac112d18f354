"""Background jobs of the integrations layer, run by the django-q2 worker (schedule: migration 0003)."""

from django.conf import settings

from apps.integrations.recovery import resolve_pending


def resolve_pending_task() -> str:
    # Leave calls alone until the upstream has surely finished with them: a query or reversal sent while the
    # original is still being processed upstream could conclude "never happened" a moment too early.
    return f"resolved {len(resolve_pending(older_than_seconds=settings.RECOVERY_GRACE_SECONDS))}"
