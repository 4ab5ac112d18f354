from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core import views as core_views


def _app_urls() -> list:
    """Each business app mounts itself: its staff pages (`urls`) under its AppConfig's `url_prefix`, and its
    endpoints for the hospital's own systems (`api_urls`) under /api/v1/ (CONTRACT.md 4a). A new app adds no line
    here. Apps mounted at the root come last, so that a prefixed app's paths are never shadowed."""
    pages, api = [], []
    for config in apps.get_app_configs():
        prefix = getattr(config, "url_prefix", None)
        if prefix is not None:
            pages.append((prefix == "", path(prefix, include(f"{config.name}.urls"))))
        if config.name.startswith("apps.") and find_spec(f"{config.name}.api_urls"):
            api.append(path("", include(f"{config.name}.api_urls")))
    return [pattern for _, pattern in sorted(pages, key=lambda pair: pair[0])] + [path("api/v1/", include(api))]


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
    path("api/platform/", include("portal.platform_urls")),
    *_app_urls(),
]
if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("apps.sandbox.urls")))
