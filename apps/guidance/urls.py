from django.urls import path

from apps.guidance import views

app_name = "guidance"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:message_id>/retry/", views.outbox_retry, name="outbox_retry"),
    path("desk/", views.desk, name="desk"),
    path("desk/<int:stop_id>/advance/", views.desk_advance, name="desk_advance"),
]
