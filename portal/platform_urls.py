"""The endpoints the pay-after-care platform calls (CONTRACT.md section 4), all under /api/platform/."""

urlpatterns: list = []
