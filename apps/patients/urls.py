from django.urls import path

from apps.patients import views

app_name = "patients"
urlpatterns = [path("", views.patient_search_view, name="search")]
