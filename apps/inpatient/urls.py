from django.urls import path

from apps.inpatient import views

app_name = "inpatient"
urlpatterns = [
    path("", views.index, name="index"),
    path("admit/", views.admit, name="admit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/register", views.register, name="register"),
    path("<int:pk>/charges", views.charges_add, name="charges_add"),
    path("<int:pk>/charges/upload", views.charges_upload, name="charges_upload"),
    path("<int:pk>/charges/<int:charge_pk>/cancel", views.charge_cancel, name="charge_cancel"),
    path("<int:pk>/deposits", views.deposit_collect, name="deposit_collect"),
    path("<int:pk>/deposits/<int:deposit_pk>/refund", views.deposit_refund, name="deposit_refund"),
    path("<int:pk>/deposits/<int:deposit_pk>/partial", views.deposit_partial, name="deposit_partial"),
    path("<int:pk>/deposits/<int:deposit_pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/discharge", views.discharge_admission, name="discharge"),
    path("<int:pk>/settle/", views.settle, name="settle"),
    path("<int:pk>/settle/deposits", views.deposits_return, name="deposits_return"),
    path("<int:pk>/settle/reverse", views.settlement_reverse, name="settlement_reverse"),
]
