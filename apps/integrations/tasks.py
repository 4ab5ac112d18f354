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

    from apps.integrations.models import Exchange

    cutoff = timezone.now() - 2 * timedelta(seconds=settings.PLATFORM_AUTH_WINDOW_SECONDS)
    # The inbox row stays; only its nonce leaves the unique index (a kept nonce would refuse a later call that
    # happens to draw the same one).
    forgotten = Exchange.objects.filter(nonce__isnull=False, created_at__lt=cutoff).update(nonce=None)
    return f"forgot {forgotten} nonces"
