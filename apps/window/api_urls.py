from django.urls import path

from apps.window import apis

urlpatterns = [
    path("kiosk/person", apis.PersonView.as_view(), name="api_kiosk_person"),
    path("kiosk/sessions", apis.SessionsView.as_view(), name="api_kiosk_sessions"),
    path("kiosk/registrations", apis.RegisterView.as_view(), name="api_kiosk_register"),
    path("kiosk/unpaid", apis.UnpaidView.as_view(), name="api_kiosk_unpaid"),
    path("kiosk/bills/<int:pk>/settle", apis.SettleView.as_view(), name="api_kiosk_settle"),
    path("kiosk/bills/<int:pk>/receipt", apis.ReceiptView.as_view(), name="api_kiosk_receipt"),
]
