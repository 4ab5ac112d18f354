"""Background jobs of the integrations layer, run by the django-q2 worker (schedule: migration 0003)."""

from apps.integrations.recovery import resolve_pending


def resolve_pending_task() -> str:
    return f"resolved {len(resolve_pending())}"
