"""org_006 (guide section 9): the patient opened a settled record on the platform; answer the live guidance and
push it as a detail message. The input beyond the medium and the output's extra names are [assumed]
(INTERFACES.md org_006; `apps/guidance/places.py`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.guidance import selectors
from apps.guidance.stops import guidance_detail, guidance_detail_push
from apps.integrations.inbound import PlatformAPIView, platform_reply
from apps.integrations.transport import exchange_attach
from apps.patients.serializers import OrgMediumSerializer


class Org006Input(OrgMediumSerializer):
    med_org_ord = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="消息单号")
    org_trace_no = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="机构跟踪号")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("med_org_ord") and not attrs.get("org_trace_no"):
            raise ApplicationError("org_trace_no: 机构跟踪号与消息单号（med_org_ord）至少填一个")
        return attrs


class GuideStopOut(serializers.Serializer):
    guide_type = serializers.CharField(help_text="pharmacy 取药 / exam 检查 / lab 检验")
    guide_type_name = serializers.CharField()
    guide_status = serializers.CharField(help_text="waiting_drug / drug_taken / waiting_exam / examined / reported")
    guide_status_name = serializers.CharField(help_text="待取药 / 已取药 / 待检查 / 已检查 / 报告已出")
    location = serializers.CharField(help_text="药房窗口或检查室")
    waiting_num = serializers.CharField(help_text="排队号")
    items = serializers.CharField(help_text="药品或检查项目")


class Org006Out(serializers.Serializer):
    org_trace_no = serializers.CharField()
    order_status = serializers.CharField(help_text="MERCHANT_PAID / MERCHANT_REFUNDED")
    amount = serializers.CharField()
    dept_name = serializers.CharField()
    dept_code = serializers.CharField()
    dr_name = serializers.CharField()
    dept_loc = serializers.CharField(allow_blank=True, help_text="下一步去的地点")
    waiting_num = serializers.CharField(allow_blank=True, help_text="下一步的排队号")
    take_medicine_loc = serializers.CharField(allow_blank=True, help_text="取药窗口")
    check_item = serializers.CharField(allow_blank=True, help_text="检查检验项目")
    update_time = serializers.CharField()
    next_step = serializers.CharField(help_text="下一步做什么（文字）")
    guide_list = GuideStopOut(many=True, help_text="各项取药、检查的实时状态")


@extend_schema(
    tags=["platform"], summary="org_006 导诊详情（实时）", request=Org006Input, responses=platform_reply(Org006Out)
)
class Org006GuidanceView(PlatformAPIView):
    interface = "org_006"
    InputSerializer = Org006Input
    OutputSerializer = Org006Out

    def handle(self, data, exchange):
        bill = selectors.settled_bill_for(
            patient=data["patient"], org_trace_no=data.get("org_trace_no", ""), med_org_ord=data.get("med_org_ord", "")
        )
        if bill is None:
            raise ApplicationError("org_trace_no: 未找到该患者的已结算记录")
        exchange_attach(exchange, bill)
        detail = guidance_detail(bill=bill)
        guidance_detail_push(bill=bill, detail=detail)
        return detail
