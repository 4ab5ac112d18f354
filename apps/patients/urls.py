from django.urls import path

from apps.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_search_view, name="search"),
    path("<int:pk>/sign-check", views.patient_sign_check, name="sign_check"),
    path("<int:pk>/sign-send", views.patient_sign_send, name="sign_send"),
    path("signed/", views.patient_signed, name="signed"),
]
