from django.conf import settings
from django.utils import timezone

from apps.core.registry import screens
from apps.core.roles import ROLE_LABELS, display_name, user_roles


def staff_nav(user, path: str) -> list[dict]:
    """The screens of all the user's roles, each once, in the apps' declared order."""
    seen, items = set(), []
    roles = user_roles(user)
    for screen in sorted(
        (s for role in ROLE_LABELS if role in roles for s in screens.for_role(role)), key=lambda s: (s.order, s.title)
    ):
        if screen.key in seen:
            continue
        seen.add(screen.key)
        url = screen.url
        items.append({"title": screen.title, "url": url, "active": path.startswith(url)})
    return items


def portal(request):
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else set()
    context = {
        "ORG_NAME": settings.ORG_NAME,
        "SANDBOX_ENABLED": settings.SANDBOX_ENABLED,
        "SESSION_IDLE_MINUTES": settings.SESSION_COOKIE_AGE // 60,
        "TODAY": timezone.localdate(),
        "user_roles": roles,
        "user_role_labels": [ROLE_LABELS[r] for r in ROLE_LABELS if r in roles],
    }
    if user is not None and user.is_authenticated:
        context["staff_name"] = display_name(user)
        context["staff_nav"] = staff_nav(user, request.path)
    return context
