"""The registration service the hospital gives the platform (guide section 2): bookable sources, book, cancel.

[assumed] The guide names the service but not its fields; every field name of these three calls lives in this
module alone (listed in the README), so that the platform's PDF can correct them here.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.integrations.inbound import PlatformAPIView, platform_reply
from apps.integrations.transport import exchange_attach
from apps.outpatient import platform_link, services
from apps.outpatient.models import Period, Schedule
from apps.patients.models import CertType
from apps.patients.serializers import validate_org_code


class SourcesInput(serializers.Serializer):
    org_code = serializers.CharField(max_length=30, validators=[validate_org_code], help_text="定点医疗机构编码")
    dept_code = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="科室编码（可选）")
    date = serializers.DateField(input_formats=["%Y-%m-%d"], required=False, help_text="就诊日期 yyyy-MM-dd（可选）")


class SourceOut(serializers.Serializer):
    source_id = serializers.CharField(source="pk", help_text="号源编号：预约时传回")
    dept_code = serializers.CharField(source="doctor.department.code", help_text="科室编码")
    dept_name = serializers.CharField(source="doctor.department.name", help_text="科室名称")
    dept_loc = serializers.CharField(source="doctor.department.location", help_text="科室位置")
    dr_code = serializers.CharField(source="doctor.code", help_text="医师编码")
    dr_name = serializers.CharField(source="doctor.name", help_text="医师姓名")
    dr_lv_name = serializers.CharField(source="doctor.level_name", help_text="医师职称")
    dr_lv_no = serializers.CharField(source="doctor.level_no", help_text="职称代码")
    date = serializers.DateField(format="%Y-%m-%d", help_text="就诊日期")
    period = serializers.ChoiceField(choices=Period.choices, help_text="时段：am 上午，pm 下午")
    start_time = serializers.TimeField(format="%H:%M", help_text="开始时间")
    remaining = serializers.IntegerField(help_text="剩余号源")
    fee = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="挂号费（元）")


class SourcesOut(serializers.Serializer):
    sources = SourceOut(many=True, help_text="可预约号源")


@extend_schema(
    tags=["platform"],
    summary="挂号服务：可预约号源（指南第2节，字段为推定）",
    description="平台也可在其App中打开医院的挂号页，带入已签名的就诊人身份。链接格式（推定）：\n\n"
    + platform_link.__doc__.split("locked.", 1)[1].split("A link that fails", 1)[0],
    request=SourcesInput,
    responses=platform_reply(SourcesOut),
)
class RegistrationSourcesView(PlatformAPIView):
    interface = "registration/sources"
    changes_state = False
    InputSerializer = SourcesInput
    OutputSerializer = SourcesOut

    def handle(self, data, exchange):
        sources = Schedule.objects.open_for_booking().select_related("doctor__department")
        if data.get("dept_code"):
            sources = sources.filter(doctor__department__code=data["dept_code"])
        if data.get("date"):
            sources = sources.filter(date=data["date"])
        return {"sources": sources.order_by("date", "period", "doctor__code")}


class BookInput(serializers.Serializer):
    org_code = serializers.CharField(max_length=30, validators=[validate_org_code], help_text="定点医疗机构编码")
    psn_name = serializers.CharField(max_length=30, help_text="患者姓名")
    mdtrt_cert_type = serializers.ChoiceField(choices=CertType.values, help_text="证件类型：仅支持 02 居民身份证")
    mdtrt_cert_no = serializers.CharField(max_length=18, help_text="身份证号")
    source_id = serializers.IntegerField(min_value=1, help_text="号源编号（来自可预约号源）")

    def validate_mdtrt_cert_type(self, value):
        if value != CertType.IDCARD:
            raise serializers.ValidationError("平台挂号仅支持居民身份证（02）")
        return value


class BookOut(serializers.Serializer):
    org_trace_no = serializers.CharField(source="trace_no", help_text="机构跟踪号：随后经 org_002/org_003 支付")
    queue_no = serializers.IntegerField(help_text="候诊号")
    fee = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="挂号费（元）")
    pay_deadline = serializers.DateTimeField(source="expires_at", format="%Y-%m-%d %H:%M:%S", help_text="支付截止时间")
    order_state = serializers.CharField(source="get_state_display", help_text="订单状态")


@extend_schema(
    tags=["platform"], summary="挂号服务：预约（字段为推定）", request=BookInput, responses=platform_reply(BookOut)
)
class RegistrationBookView(PlatformAPIView):
    interface = "registration/book"
    InputSerializer = BookInput
    OutputSerializer = BookOut

    def handle(self, data, exchange):
        order = services.order_book_for_platform(
            name=data["psn_name"], certno=data["mdtrt_cert_no"], schedule_id=data["source_id"]
        )
        exchange_attach(exchange, order)
        return order


class CancelInput(serializers.Serializer):
    org_code = serializers.CharField(max_length=30, validators=[validate_org_code], help_text="定点医疗机构编码")
    org_trace_no = serializers.CharField(max_length=64, help_text="预约时返回的机构跟踪号")
    mdtrt_cert_no = serializers.CharField(max_length=18, help_text="身份证号")


class CancelOut(serializers.Serializer):
    org_trace_no = serializers.CharField(source="trace_no", help_text="机构跟踪号")
    order_state = serializers.CharField(source="get_state_display", help_text="订单状态")


@extend_schema(
    tags=["platform"],
    summary="挂号服务：取消预约（未支付的释放号源；已支付的拒绝）",
    request=CancelInput,
    responses=platform_reply(CancelOut),
)
class RegistrationCancelView(PlatformAPIView):
    interface = "registration/cancel"
    InputSerializer = CancelInput
    OutputSerializer = CancelOut

    def handle(self, data, exchange):
        order = services.order_cancel_for_platform(trace_no=data["org_trace_no"], certno=data["mdtrt_cert_no"])
        exchange_attach(exchange, order)
        return order
