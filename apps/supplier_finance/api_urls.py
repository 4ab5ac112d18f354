from django.urls import path

from apps.supplier_finance import apis

urlpatterns = [
    path("purchases", apis.PurchaseSubmitView.as_view(), name="api_purchases"),
    path("purchases/<int:pk>", apis.PurchaseStatusView.as_view(), name="api_purchase"),
    path("purchase-batches/<int:pk>", apis.BatchStatusView.as_view(), name="api_purchase_batch"),
]
