"""Failures of the platform adapter. The upstream's own code and message stay in `code` / `upstream_message`."""

from apps.integrations.transport import (
    BadReply,
    UpstreamError,
    UpstreamRefused,
    UpstreamUnavailable,
    UpstreamUnknownOutcome,
)

__all__ = [
    "BadReply",
    "InvalidRequest",
    "NotSigned",
    "UpstreamError",
    "UpstreamRefused",
    "UpstreamUnavailable",
    "UpstreamUnknownOutcome",
]


class InvalidRequest(ValueError):
    """Our own input is wrong (named in the message); nothing was sent."""


class NotSigned(UpstreamRefused):
    """附录一 code 000100: the person has not signed up for pay-after-care (send them to 附录五's signUrl)."""
