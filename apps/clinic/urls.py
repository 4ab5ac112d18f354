from django.urls import path

from apps.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("visit/<slug:source>/<int:pk>/", views.visit, name="visit"),
    path("visit/<slug:source>/<int:pk>/status", views.visit_status, name="visit_status"),
    path("visit/<slug:source>/<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("visit/<slug:source>/<int:pk>/retry", views.retry, name="retry"),
    path("visit/<slug:source>/<int:pk>/confirm", views.to_confirm, name="to_confirm"),
]
