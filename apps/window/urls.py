from django.urls import path

from apps.window import views

app_name = "window"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("sign-refresh", views.sign_refresh, name="sign_refresh"),
    path("next", views.next_patient, name="next"),
    path("register", views.register, name="register"),
    path("fees", views.fees, name="fees"),
    path("bills/<int:pk>/", views.bill, name="bill"),
    path("bills/<int:pk>/settle", views.settle, name="settle"),
    path("bills/<int:pk>/refund", views.refund, name="refund"),
    path("bills/<int:pk>/receipt", views.receipt, name="receipt"),
    path("signed", views.signed, name="signed"),
]
