"""Background jobs of the integrations layer, run by the django-q2 worker (schedules: migrations 0003, 0007)."""

from django.conf import settings

from apps.integrations.recovery import resolve_pending


def resolve_pending_task() -> str:
    # Leave calls alone until the upstream has surely finished with them: a query or reversal sent while the
    # original is still being processed upstream could conclude "never happened" a moment too early.
    return f"resolved {len(resolve_pending(older_than_seconds=settings.RECOVERY_GRACE_SECONDS))}"


def nonces_forget_task() -> str:
    """Forget nonces too old to be replayed. A timestamp may be ±window away from our clock, so a call can be
    replayed up to two windows after it was first seen; a nonce kept longer only refuses more."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.integrations.models import InboundNonce

    cutoff = timezone.now() - 2 * timedelta(seconds=settings.PLATFORM_AUTH_WINDOW_SECONDS)
    deleted, _ = InboundNonce.objects.filter(seen_at__lt=cutoff).delete()
    return f"forgot {deleted} nonces"
