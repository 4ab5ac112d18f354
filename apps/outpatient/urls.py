from django.urls import path

from apps.outpatient import views

app_name = "outpatient"
urlpatterns = [
    # The patient's pages: no account; the order's opaque token is the only key.
    path("r/", views.register, name="register"),
    path("r/platform", views.platform_entry, name="platform_entry"),
    path("r/<str:token>/", views.order_page, name="order"),
    path("r/<str:token>/go", views.order_go, name="order_go"),
    path("r/<str:token>/signed", views.order_signed, name="order_signed"),
    path("r/<str:token>/cancel", views.order_cancel, name="order_cancel"),
    path("r/<str:token>/return", views.order_return, name="order_return"),
    # Staff screens.
    path("outpatient/registrations/", views.registrations, name="registrations"),
    path("outpatient/registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("outpatient/registrations/<int:pk>/cancel", views.registration_cancel, name="registration_cancel"),
    path("outpatient/registrations/<int:pk>/refund", views.registration_refund, name="registration_refund"),
]
