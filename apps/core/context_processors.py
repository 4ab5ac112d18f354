from django.conf import settings

from apps.core.roles import ROLE_LABELS, user_roles


def portal(request):
    roles = user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "ORG_NAME": settings.ORG_NAME,
        "SANDBOX_ENABLED": settings.SANDBOX_ENABLED,
        "SESSION_IDLE_MINUTES": settings.SESSION_COOKIE_AGE // 60,
        "user_roles": roles,
        "user_role_labels": [ROLE_LABELS[r] for r in ROLE_LABELS if r in roles],
    }
