"""The simulated platform's clock. Business times (payments, access-code expiry, check-file days) read it, so a
test can move the platform's time without touching the authentication window, which uses the real clock."""

from django.utils import timezone


def now():
    return timezone.now()
