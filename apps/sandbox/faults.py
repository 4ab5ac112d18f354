"""Faults on demand for the sandbox's interfaces (slow, time out, 500, HTML page, truncated, callback twice)."""

import time

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


def serve(party: str, interface: str, handler) -> HttpResponse:
    """Run `handler()` (which must commit its own work) under whatever fault is set for the interface."""
    fault = take(party, interface)
    mode = fault.mode if fault else None
    if mode == FaultMode.ERROR_500:
        return HttpResponse("Internal Server Error", status=500, content_type="text/plain")
    if mode == FaultMode.HTML:
        return HttpResponse(
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
            status=200,
            content_type="text/html",
        )
    if mode == FaultMode.SLOW:
        time.sleep(fault.delay_seconds)
    response = handler()
    if mode == FaultMode.TIMEOUT:
        # The work is committed; the answer arrives after the caller has given up.
        time.sleep(settings.UPSTREAM_READ_TIMEOUT + 1.0)
    elif mode == FaultMode.TRUNCATED:
        response.content = response.content[: max(1, len(response.content) // 2)]
    return response


def callback_times(party: str, interface: str) -> int:
    """How many times the sandbox should deliver a callback (2 with the duplicate_callback fault)."""
    return 2 if take(party, interface, modes=[FaultMode.DUPLICATE_CALLBACK]) else 1
