"""Staff roles are Django groups. Each app grants its permissions to roles through apps.core.registry
(`role_permissions.grant`); sync_role_permissions applies them after every migrate."""

from functools import wraps

from django.core.exceptions import PermissionDenied

CASHIER, DOCTOR, FINANCE, PURCHASING = "cashier", "doctor", "finance", "purchasing"
ROLE_LABELS = {CASHIER: "收费员", DOCTOR: "医生", FINANCE: "财务", PURCHASING: "采购"}


def sync_role_permissions() -> None:
    from django.contrib.auth.models import Group, Permission

    from apps.core.registry import role_permissions

    wanted = {role: set(role_permissions.of(role)) for role in ROLE_LABELS}
    labels = {dotted.split(".")[0] for dotted in set().union(*wanted.values())}
    perms = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(content_type__app_label__in=labels).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, dotted in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(perms[d] for d in dotted if d in perms))


def user_roles(user) -> set[str]:
    # DRF views leave request.user as None for anonymous callers (UNAUTHENTICATED_USER = None).
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ROLE_LABELS)
    # Asked several times a request (the view's check, the menu, the header): read once per user object, which
    # lives as long as the request.
    if "_portal_roles" not in user.__dict__:
        user.__dict__["_portal_roles"] = frozenset(user.groups.values_list("name", flat=True)) & set(ROLE_LABELS)
    return set(user.__dict__["_portal_roles"])


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def display_name(user) -> str:
    """How the shell greets a staff member: the Chinese full name (family name first), else the role."""
    name = f"{user.last_name}{user.first_name}".strip()
    if name:
        return name
    if user.is_superuser:
        return "系统管理员"
    roles = user_roles(user)
    return next((f"{label}（未登记姓名）" for role, label in ROLE_LABELS.items() if role in roles), "工作人员")
