from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from apps.core.registry import screens
from apps.core.roles import ROLE_LABELS, has_role, role_required, user_roles


def role_screens(role):
    """The screens of a role's menu: those its apps registered, then the planned ones as "coming soon"."""
    for screen in screens.for_role(role):
        yield {"title": screen.title, "url": screen.url, "description": screen.description, "soon": False}
    for slug, (title, roles, description) in screens.planned().items():
        if role in roles:
            yield {"title": title, "url": reverse("coming_soon", args=[slug]), "description": description, "soon": True}


@login_required
def home(request):
    roles = [r for r in ROLE_LABELS if r in user_roles(request.user)]
    if len(roles) == 1 and not request.user.is_superuser:
        return redirect("role_home", role=roles[0])
    return render(request, "core/home.html", {"roles": [(r, ROLE_LABELS[r]) for r in roles]})


@login_required
def role_home(request, role):
    if role not in ROLE_LABELS:
        raise Http404
    return role_required(role)(_role_home)(request, role)


def _role_home(request, role):
    return render(
        request,
        "core/role_home.html",
        {"role": role, "role_label": ROLE_LABELS[role], "screens": list(role_screens(role))},
    )


@login_required
def coming_soon(request, slug):
    planned = screens.planned()
    if slug not in planned:
        raise Http404
    title, roles, _ = planned[slug]
    if not has_role(request.user, *roles):
        raise PermissionDenied("您的角色无权访问此页面")
    return render(request, "core/coming_soon.html", {"title": title})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the icon itself is a static file.
    return redirect(static("favicon.svg"), permanent=True)
