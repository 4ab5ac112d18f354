"""The endpoints the pay-after-care platform calls (CONTRACT.md section 4), all under /api/platform/.

Each is served by the app that owns its data and registered in apps.integrations.router from that app's
AppConfig.ready().
"""

from apps.integrations.router import platform_router

urlpatterns = platform_router.urls()
