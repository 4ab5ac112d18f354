"""The finance system's API under /api/v1/ (CONTRACT.md 4a): a day's reconciliation summary and its discrepancies."""

import datetime

from django.core.paginator import Paginator
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.hospital_api.auth import HospitalAPIView
from apps.hospital_api.models import Scope
from apps.reconciliation import selectors
from apps.reconciliation.models import Category, Direction

TAG = "财务系统 · 每日对账"
PAGE_SIZE = 500


class CategoryCountOut(serializers.Serializer):
    category = serializers.CharField(
        help_text="missing_local 本院无记录、missing_platform 平台无记录、amount_mismatch 金额不符、"
        "status_mismatch 状态不符"
    )
    label = serializers.CharField(help_text="差异类型的中文名")
    total = serializers.IntegerField(help_text="笔数")
    explained = serializers.IntegerField(help_text="其中已由财务填写说明的笔数")


class GatewayOut(serializers.Serializer):
    insutype = serializers.CharField(help_text="险种类型")
    clr_type = serializers.CharField(help_text="清算类别：11 门诊、21 住院")
    setl_optins = serializers.CharField(help_text="结算经办机构")
    medfee_sumamt = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="本院医疗费总额")
    fund_pay_sumamt = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="本院基金支付总额")
    acct_pay = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="本院个人账户支付总额")
    fixmedins_setl_cnt = serializers.IntegerField(help_text="本院结算笔数")
    balanced = serializers.BooleanField(help_text="医保平台对总账结果是否一致")
    stmt_rslt_dscr = serializers.CharField(help_text="医保平台的结果说明")
    error = serializers.CharField(help_text="未能对账时的原因")


class SummaryOut(serializers.Serializer):
    date = serializers.DateField(help_text="对账日期")
    imported = serializers.BooleanField(help_text="该日是否已导入平台对账文件")
    imported_at = serializers.DateTimeField(allow_null=True, help_text="导入完成时间")
    sha256 = serializers.CharField(help_text="当前对账文件的 SHA-256")
    lines = serializers.IntegerField(help_text="平台文件明细行数（收款与退款）")
    matched = serializers.IntegerField(help_text="与本院一致的笔数")
    missing_local = serializers.IntegerField(help_text="平台有、本院无的笔数")
    missing_platform = serializers.IntegerField(help_text="本院有、平台无的笔数")
    amount_mismatch = serializers.IntegerField(help_text="金额不符的笔数")
    status_mismatch = serializers.IntegerField(help_text="状态不符的笔数")
    payments = serializers.IntegerField(help_text="平台收款笔数")
    payment_amount = serializers.CharField(help_text="平台收款金额（元，两位小数）")
    refunds = serializers.IntegerField(help_text="平台退款笔数")
    refund_amount = serializers.CharField(help_text="平台退款金额（元，负数）")
    local_payments = serializers.IntegerField(help_text="本院当日经平台收款笔数")
    local_payment_amount = serializers.CharField(help_text="本院当日经平台收款金额")
    local_refunds = serializers.IntegerField(help_text="本院当日经平台退款笔数")
    local_refund_amount = serializers.CharField(help_text="本院当日经平台退款金额（负数）")
    categories = CategoryCountOut(many=True)
    gateway = GatewayOut(many=True, help_text="医保对总账（3201），按险种、清算类别")


class DiscrepancyOut(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField(help_text="差异类型代码")
    category_label = serializers.CharField(source="get_category_display", help_text="差异类型")
    direction = serializers.CharField(help_text="payment 收款，refund 退款")
    order_no = serializers.CharField(help_text="订单号（退款为退款订单号）")
    platform_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="平台金额")
    local_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="本院金额")
    platform_status = serializers.CharField(help_text="平台文件中的交易状态")
    local_status = serializers.CharField(help_text="本院资金记录状态：succeeded、pending、unknown、failed、reversed")
    explained = serializers.BooleanField(help_text="财务是否已填写说明")
    note = serializers.CharField(source="note_text", allow_null=True, help_text="最近一条说明")
    note_by = serializers.CharField(allow_null=True, help_text="说明人")
    note_at = serializers.DateTimeField(allow_null=True, help_text="说明时间")


class DiscrepanciesOut(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField(help_text="符合条件的差异总数")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    items = DiscrepancyOut(many=True)


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError("date: 应为 YYYY-MM-DD", {"field": "date"}) from None


class FinanceView(HospitalAPIView):
    api_scope = Scope.FINANCE


@extend_schema(
    tags=[TAG],
    summary="某日对账汇总",
    description="平台对账文件与本院资金记录的匹配结果（各类差异笔数、收款退款合计），以及医保对总账结果。"
    "该日尚未导入文件时 imported 为 false、各项为 0。",
    parameters=[OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="对账日期 YYYY-MM-DD")],
    responses={200: SummaryOut},
)
class DaySummaryView(FinanceView):
    def get(self, request, date: str):
        day = _day(date)
        file = selectors.current_file(day)
        summary = file.summary if file else {}
        counts = {name: summary.get(name, 0) for name in ("lines", "matched", *Category.values)}
        money = {
            name: summary.get(name, "0.00")
            for name in ("payment_amount", "refund_amount", "local_payment_amount", "local_refund_amount")
        }
        numbers = {name: summary.get(name, 0) for name in ("payments", "refunds", "local_payments", "local_refunds")}
        gateway = [
            {
                "insutype": g.insutype, "clr_type": g.clr_type, "setl_optins": g.setl_optins,
                "medfee_sumamt": g.medfee_sumamt, "fund_pay_sumamt": g.fund_pay_sumamt, "acct_pay": g.acct_pay,
                "fixmedins_setl_cnt": g.fixmedins_setl_cnt, "balanced": g.balanced,
                "stmt_rslt_dscr": g.stmt_rslt_dscr, "error": g.error,
            }
            for g in selectors.gateway_checks(day)
        ]  # fmt: skip
        body = {
            "date": day,
            "imported": file is not None,
            "imported_at": timezone.localtime(file.imported_at) if file and file.imported_at else None,
            "sha256": file.sha256 if file else "",
            **counts,
            **money,
            **numbers,
            "categories": selectors.category_counts(file),
            "gateway": gateway,
        }
        return Response(SummaryOut(body).data)


@extend_schema(
    tags=[TAG],
    summary="某日对账差异明细",
    description=f"按差异类型、方向、是否已说明筛选，每页 {PAGE_SIZE} 条。该日尚未导入文件时返回 404。",
    parameters=[
        OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="对账日期 YYYY-MM-DD"),
        OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values, description="差异类型"),
        OpenApiParameter("direction", OpenApiTypes.STR, enum=Direction.values, description="payment 收款，refund 退款"),
        OpenApiParameter("explained", OpenApiTypes.STR, enum=["yes", "no"], description="是否已说明"),
        OpenApiParameter("page", OpenApiTypes.INT, description="页码，从 1 开始"),
    ],
    responses={200: DiscrepanciesOut},
)
class DayDiscrepanciesView(FinanceView):
    def get(self, request, date: str):
        day = _day(date)
        file = selectors.current_file(day)
        if file is None:
            raise NotFound("该日尚未导入对账文件")
        params = request.query_params
        for name, allowed in (
            ("category", Category.values),
            ("direction", Direction.values),
            ("explained", ["yes", "no"]),
        ):
            if params.get(name) and params[name] not in allowed:
                raise ApplicationError(f"{name}: 应为 {'、'.join(allowed)} 之一", {"field": name})
        rows = selectors.discrepancies(
            file=file, category=params.get("category", ""), direction=params.get("direction", ""),
            explained=params.get("explained", ""),
        )  # fmt: skip
        try:
            number = int(params.get("page", "1"))
        except ValueError:
            raise ApplicationError("page: 应为正整数", {"field": "page"}) from None
        paginator = Paginator(rows, PAGE_SIZE)
        if number < 1 or (number > paginator.num_pages and number != 1):
            raise ApplicationError("page: 超出范围", {"field": "page"})
        page = paginator.get_page(number)
        return Response(
            {
                "date": day.isoformat(),
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "items": DiscrepancyOut(page.object_list, many=True).data,
            }
        )
