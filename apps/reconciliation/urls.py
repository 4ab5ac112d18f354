from django.urls import path

from apps.reconciliation import views

app_name = "reconciliation"

urlpatterns = [
    path("", views.index, name="index"),
    path("day/<str:day>/", views.day, name="day"),
    path("day/<str:day>/discrepancies/", views.discrepancies, name="discrepancies"),
    path("day/<str:day>/export.<str:fmt>", views.export, name="export"),
    path("discrepancy/<int:pk>/explain", views.explain, name="explain"),
    path("upload", views.upload, name="upload"),
    path("fetch", views.fetch, name="fetch"),
    path("file/<int:pk>/progress", views.progress, name="progress"),
]
