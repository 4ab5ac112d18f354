"""Seams through which each business app plugs into the shared shell, the way `admin.site.register` works.

Core sits at the bottom: it imports no business app. Each app contributes, from its `AppConfig.ready()`:

- its staff screens per role (`screens.register(...)`): the role home pages and navigation read this;
- what each role may do with its models (`role_permissions.grant(role, [...])`): granted after every migrate;
- its demo data (`demo_steps.register(order, name, func)`): `manage.py demo_data` runs the steps in order.

A screen that is planned but not built is listed in `PLANNED_SCREENS` under the key its app will register; once
the app registers a screen with that key, the "coming soon" tile disappears without anyone editing core.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Screen:
    key: str  # one screen, possibly in several roles' menus, e.g. "outpatient.registrations"
    role: str
    title: str
    url_name: str
    description: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Screens of sections not built yet: key -> (title, roles, description). A registered screen with the same key
# replaces its tile.
PLANNED_SCREENS = {
    "window-settlement": ("窗口挂号结算", ("cashier",), "刷医保码、身份证或社保卡，挂号并先医后付结算"),
    "inpatient-deposit": ("住院押金缴退", ("cashier",), "住院预交金先医后付缴纳与退还"),
    "clinic-settlement": ("诊间结算", ("doctor",), "开方后免密结算，或推送患者确认支付"),
    "reconciliation": ("每日对账", ("finance",), "对账文件下载、匹配与差异处理"),
    "supplier-invoices": ("采购发票上传", ("purchasing",), "采购与退货记录及发票，上传医保平台"),
}


class ScreenRegistry:
    def __init__(self):
        self._screens: dict[tuple[str, str], Screen] = {}

    def register(self, *, key: str, roles, title: str, url_name: str, description: str | dict, order: int = 100):
        """Add a screen to each role's menu. `description` may be a dict role -> text where roles read it
        differently."""
        for role in roles:
            text = description[role] if isinstance(description, dict) else description
            self._screens[(key, role)] = Screen(key, role, title, url_name, text, order)

    def for_role(self, role: str) -> list[Screen]:
        return sorted((s for (_, r), s in self._screens.items() if r == role), key=lambda s: (s.order, s.title))

    def keys(self) -> set[str]:
        return {key for key, _ in self._screens}

    def planned(self) -> dict[str, tuple]:
        """Planned screens no app has registered yet."""
        return {key: value for key, value in PLANNED_SCREENS.items() if key not in self.keys()}


class RolePermissions:
    def __init__(self):
        self._perms: dict[str, list[str]] = {}

    def grant(self, role: str, perms: list[str]) -> None:
        """ "app_label.codename" permissions for a role; granted by roles.sync_role_permissions."""
        current = self._perms.setdefault(role, [])
        current.extend(p for p in perms if p not in current)

    def of(self, role: str) -> list[str]:
        return list(self._perms.get(role, []))


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[], int]  # returns how many records it created; must change nothing when run again


class DemoSteps:
    def __init__(self):
        self._steps: dict[str, DemoStep] = {}

    def register(self, order: int, name: str, run: Callable[[], int]) -> None:
        self._steps[name] = DemoStep(order, name, run)

    def ordered(self) -> list[DemoStep]:
        return sorted(self._steps.values(), key=lambda step: (step.order, step.name))


screens = ScreenRegistry()
role_permissions = RolePermissions()
demo_steps = DemoSteps()
