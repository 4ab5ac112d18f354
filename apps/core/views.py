from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.core.roles import CASHIER, DOCTOR, FINANCE, PURCHASING, ROLE_LABELS, has_role, role_required, user_roles

# Each role's screens: (title, url name or coming-soon slug, description). A slug in COMING_SOON is shown as
# "coming soon" until its issue lands.
ROLE_SCREENS = {
    CASHIER: [
        ("今日线上挂号", "outpatient:registrations", "查看线上挂号订单、支付状态与接口轨迹"),
        ("患者查询", "patients:search", "按姓名或完整身份证号查找患者，查看签约状态"),
        ("待发送患者消息", "guidance:outbox", "未送达先医后付平台的消息，可手动重试"),
        ("资金流水", "ledger:movements", "结算、押金、退费的资金记录（只读）"),
        ("窗口挂号结算", "soon:window-settlement", "就医介质登记、2207 先医后付结算"),
        ("住院押金缴退", "soon:inpatient-deposit", "C2304 预交金支付 / C2305 退费"),
    ],
    DOCTOR: [
        ("今日线上挂号", "outpatient:registrations", "查看本科室线上挂号与候诊号"),
        ("诊间结算", "soon:clinic-settlement", "开方后 2207B 免密结算或推送待结算"),
        ("患者查询", "patients:search", "查看患者签约状态"),
    ],
    FINANCE: [
        ("资金流水", "ledger:movements", "所有结算、押金、退费的唯一记录"),
        ("接口交换日志", "admin:integrations_exchange_changelist", "与平台、医保网关的每一次交换"),
        ("线上挂号订单", "outpatient:registrations", "挂号订单的支付状态与接口轨迹"),
        ("待发送患者消息", "guidance:outbox", "未送达先医后付平台的患者消息"),
        ("每日对账", "soon:reconciliation", "对账文件下载、匹配与差异处理"),
    ],
    PURCHASING: [
        ("采购发票上传", "soon:supplier-invoices", "3503 / 3504 采购与退货，附发票信息"),
    ],
}
COMING_SOON = {
    "window-settlement": ("窗口挂号结算", (CASHIER,)),
    "inpatient-deposit": ("住院押金缴退", (CASHIER,)),
    "clinic-settlement": ("诊间结算", (DOCTOR,)),
    "reconciliation": ("每日对账", (FINANCE,)),
    "supplier-invoices": ("采购发票上传", (PURCHASING,)),
}


def role_screens(role):
    for title, target, description in ROLE_SCREENS[role]:
        soon = target.startswith("soon:")
        url = reverse("coming_soon", args=[target[5:]]) if soon else reverse(target)
        yield {"title": title, "url": url, "description": description, "soon": soon}


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
    if slug not in COMING_SOON:
        raise Http404
    title, roles = COMING_SOON[slug]
    if not has_role(request.user, *roles):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您的角色无权访问此页面")
    return render(request, "core/coming_soon.html", {"title": title})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
