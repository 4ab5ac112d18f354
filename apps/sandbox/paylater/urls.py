from django.conf import settings
from django.urls import path

from apps.sandbox.paylater import apis, views

app_name = "sandbox_paylater"
urlpatterns = [
    path("", views.index, name="index"),
    path("faults/", views.fault_add, name="fault_add"),
    path("faults/<int:fault_id>/clear/", views.fault_remove, name="fault_remove"),
    path("payments/<int:payment_id>/org_003/", views.org_003_resend, name="org_003_resend"),
    path("check-file/plant/", views.check_file_plant, name="check_file_plant"),
    path("sign/", views.sign, name="sign"),
    path("cashier/", views.cashier, name="cashier"),
    path("phone/", views.phone, name="phone"),
    path("phone/pay/", views.phone_pay, name="phone_pay"),
    path("phone/detail/", views.phone_detail, name="phone_detail"),
]
# The API paths follow settings.PAYLATER_PATHS (the portal adapter reads the same map); a URLconf is built once,
# so an override must be in the environment, not patched in a running test.
_APIS = {
    "sign_status": apis.sign_status,
    "cashier_link": apis.cashier_link,
    "pay_info": apis.pay_info,
    "push_msg": apis.push_msg,
    "refund": apis.refund,
    "refund_result": apis.refund_result,
    "check_file": apis.check_file,
}
urlpatterns += [path(settings.PAYLATER_PATHS[name], view, name=name) for name, view in _APIS.items()]
