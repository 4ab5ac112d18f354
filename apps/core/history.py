from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords


def _staff_user(instance=None, request=None, **kwargs):
    """Who made a change: a logged-in staff member, or nobody (the platform, the worker, a command)."""
    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None


def history_records(**kwargs) -> HistoricalRecords:
    """HistoricalRecords for money and order records; the platform's API caller is not a user."""
    return HistoricalRecords(get_user=_staff_user, **kwargs)
