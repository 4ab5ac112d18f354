"""The portal's URLs plus /bench/reference: one indexed SELECT and one INSERT per request, the least a logged,
replay-safe call can do; org_001 is measured against it on the same server. The INSERT goes into a small table
with one unique index (as the nonce table it used to write was), not into the wider exchange log."""

import secrets

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.integrations.models import MsgidCounter
from apps.patients.models import Patient
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def reference(request):
    found = Patient.objects.filter(certno_hash=request.headers.get("X-Bench-Hash", "")).exists()
    MsgidCounter.objects.create(stamp=secrets.token_hex(13))
    return JsonResponse({"ret_code": "00", "found": found})


urlpatterns = [path("bench/reference", reference), *portal_urlpatterns]
