from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("role/<str:role>/", core_views.role_home, name="role_home"),
    path("soon/<slug:slug>/", core_views.coming_soon, name="coming_soon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("patients/", include("apps.patients.urls")),
    path("ledger/", include("apps.ledger.urls")),
    path("api/platform/", include("portal.platform_urls")),
    path("guidance/", include("apps.guidance.urls")),
    path("reports/", include("apps.reports.urls")),
    path("api/v1/", include("apps.supplier_finance.api_urls")),
    path("supplier/", include("apps.supplier_finance.urls")),
    path("", include("apps.outpatient.urls")),
]
if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("apps.sandbox.urls")))
