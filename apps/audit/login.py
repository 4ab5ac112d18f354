"""Login attempts: django-axes counts failures per account and per address and refuses logins past the limit
(settings AXES_*); this module adapts it to the portal."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class RateLimitBackend(AxesStandaloneBackend):
    """Axes' check for logins that come with a request (the login pages). A login without one (the test
    client, a management command) has no address to count and is not an attack from outside: it is left to
    the next backend instead of being refused."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the
    outermost of them saw (X-Forwarded-For read from the right, where a client cannot forge it)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")
