from django.shortcuts import render

from apps.sandbox.models import Fault, Person
from apps.sandbox.people import ensure_demo_people


def index(request):
    ensure_demo_people()
    return render(request, "sandbox/index.html", {"people": Person.objects.all(), "faults": Fault.objects.all()})
