from django.urls import path

from apps.inpatient import apis

urlpatterns = [
    path("inpatient/admissions/<str:ipt_no>", apis.AdmissionView.as_view(), name="api_inpatient_admission"),
    path("inpatient/admissions/<str:ipt_no>/deposits", apis.DepositsView.as_view(), name="api_inpatient_deposits"),
    path(
        "inpatient/admissions/<str:ipt_no>/deposits/collect",
        apis.DepositCollectView.as_view(),
        name="api_inpatient_deposit_collect",
    ),
    path("inpatient/deposits/<str:dpst_sn>/refund", apis.DepositRefundView.as_view(), name="api_inpatient_refund"),
    path("inpatient/admissions/<str:ipt_no>/presettle", apis.PresettleView.as_view(), name="api_inpatient_presettle"),
    path("inpatient/admissions/<str:ipt_no>/settle", apis.SettleView.as_view(), name="api_inpatient_settle"),
]
