"""Which app serves each of the platform's calls under /api/platform/ (CONTRACT.md section 4).

The paths are the contract's; the views belong to the apps that own the data. Each app registers its endpoints
from `AppConfig.ready()` and `portal/platform_urls.py` mounts whatever is registered:

    platform_router.register("org_001", Org001AccountView)
"""

from django.urls import path


class PlatformRouter:
    def __init__(self):
        self._views: dict[str, type] = {}

    def register(self, route: str, view) -> None:
        if route in self._views and self._views[route] is not view:
            raise ValueError(f"/api/platform/{route} is already served by {self._views[route].__name__}")
        self._views[route] = view

    def urls(self) -> list:
        return [path(route, view.as_view(), name=route) for route, view in sorted(self._views.items())]

    def routes(self) -> dict[str, type]:
        return dict(self._views)


platform_router = PlatformRouter()
