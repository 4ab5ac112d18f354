from django.conf import settings
from django.urls import path

from apps.sandbox.nhsa import views

app_name = "sandbox_nhsa"
urlpatterns = [
    path("", views.index, name="index"),
    path("faults/", views.set_fault, name="set_fault"),
    path(settings.NHSA_PATH, views.call_service, name="call_service"),
]
