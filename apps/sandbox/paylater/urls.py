from django.urls import path

app_name = "sandbox_paylater"
urlpatterns: list = [path("", lambda request: __import__("django.http").http.HttpResponse("todo"))]
