from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("import/", views.report_import, name="import"),
    path("import/template.csv", views.report_template, name="template"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/publish", views.report_publish, name="publish"),
]
