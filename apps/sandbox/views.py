from django.shortcuts import render

from apps.sandbox.models import Fault, Person
from apps.sandbox.people import card_no, card_sn, ec_token, ensure_demo_people


def index(request):
    ensure_demo_people()
    people = [
        {"p": p, "card_no": card_no(p), "card_sn": card_sn(p), "ec_token": ec_token(p)} for p in Person.objects.all()
    ]
    return render(request, "sandbox/index.html", {"people": people, "faults": Fault.objects.all()})
