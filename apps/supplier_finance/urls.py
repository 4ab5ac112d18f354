from django.urls import path

from apps.supplier_finance import views

app_name = "supplier_finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.<str:fmt>", views.template_download, name="template"),
    path("import/", views.import_file, name="import"),
    path("new/", views.purchase_new, name="new"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("purchases/<int:pk>/edit/", views.purchase_edit, name="edit"),
    path("purchases/<int:pk>/retry", views.purchase_retry, name="retry"),
    path("finance/", views.finance, name="finance"),
    path("finance/export.xlsx", views.finance_export, name="finance_export"),
]
