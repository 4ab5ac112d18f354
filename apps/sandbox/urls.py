from django.urls import include, path

from apps.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("paylater/", include("apps.sandbox.paylater.urls")),
    path("nhsa/", include("apps.sandbox.nhsa.urls")),
]
