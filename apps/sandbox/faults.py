"""Faults on demand for the sandbox's interfaces (slow, time out, 500, HTML page, truncated, callback twice)."""

import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse

from apps.sandbox.models import Fault, FaultMode


def take(party: str, interface: str, *, modes=None) -> Fault | None:
    """The active fault for this interface (of one of `modes`, if given), consuming one of its remaining uses."""
    with transaction.atomic():
        faults = Fault.objects.select_for_update().filter(party=party, interface=interface)
        if modes is not None:
            faults = faults.filter(mode__in=modes)
        fault = faults.order_by("id").first()
        if fault is None:
            return None
        if fault.remaining is not None:
            if fault.remaining <= 1:
                fault.delete()
            else:
                Fault.objects.filter(pk=fault.pk).update(remaining=fault.remaining - 1)
        return fault


# Requests in progress, and those whose work is not yet done. A caller that timed out cannot tell whether the
# sandbox has done the work yet; tests wait on these before asking what happened.
_in_progress = {"requests": 0, "unfinished": 0}
_changed = threading.Condition()


@contextmanager
def _counted(kind: str):
    with _changed:
        _in_progress[kind] += 1
    try:
        yield
    finally:
        with _changed:
            _in_progress[kind] -= 1
            _changed.notify_all()


def wait_idle(*, whole_requests: bool = False, timeout: float = 30.0) -> None:
    """Block until every request's work is done (committed) or, with `whole_requests`, until every response has
    been sent, late ones included."""
    kind = "requests" if whole_requests else "unfinished"
    with _changed:
        if not _changed.wait_for(lambda: _in_progress[kind] == 0, timeout=timeout):
            raise TimeoutError(f"sandbox still busy after {timeout} s: {_in_progress}")


def serve(party: str, interface: str, handler) -> HttpResponse:
    """Run `handler()` (which must commit its own work) under whatever fault is set for the interface."""
    with _counted("requests"):
        with _counted("unfinished"):
            response, mode = _faulted(party, interface, handler)
        if mode == FaultMode.TIMEOUT:
            # The work is committed; the answer arrives after the caller has given up.
            time.sleep(settings.UPSTREAM_READ_TIMEOUT + 1.0)
        return response


def _faulted(party: str, interface: str, handler) -> tuple[HttpResponse, str | None]:
    fault = take(party, interface)
    mode = fault.mode if fault else None
    if mode == FaultMode.ERROR_500:
        return HttpResponse("Internal Server Error", status=500, content_type="text/plain"), mode
    if mode == FaultMode.HTML:
        page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
        return HttpResponse(page, status=200, content_type="text/html"), mode
    if mode == FaultMode.SLOW:
        time.sleep(fault.delay_seconds)
    response = handler()
    if mode == FaultMode.TRUNCATED:
        response.content = response.content[: max(1, len(response.content) // 2)]
    return response, mode


def callback_times(party: str, interface: str) -> int:
    """How many times the sandbox should deliver a callback (2 with the duplicate_callback fault)."""
    return 2 if take(party, interface, modes=[FaultMode.DUPLICATE_CALLBACK]) else 1
