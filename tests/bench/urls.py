"""The portal's URLs plus /bench/reference: one indexed SELECT and one INSERT per request, the least a logged,
replay-safe call can do; org_001 is measured against it on the same server."""

import secrets

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from apps.integrations.models import InboundNonce
from apps.patients.models import Patient
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def reference(request):
    found = Patient.objects.filter(certno_hash=request.headers.get("X-Bench-Hash", "")).exists()
    InboundNonce.objects.create(app_id="bench-reference", nonce=secrets.token_hex(16), seen_at=timezone.now())
    return JsonResponse({"ret_code": "00", "found": found})


urlpatterns = [path("bench/reference", reference), *portal_urlpatterns]
