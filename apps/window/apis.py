"""The self-service kiosks' API under /api/v1/kiosk/ (CONTRACT.md 4a): the same services as the cashier's window.

Every call that acts for a patient carries the medium read at the kiosk (医保码 ecToken, 身份证 or 社保卡 with its
卡识别码): the kiosk keeps no session, and the settlement sends the medium again."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.core.labels import label
from apps.hospital_api.auth import ErrorOut, HospitalAPIView
from apps.hospital_api.models import Scope
from apps.integrations.nhsa.envelope import Opter
from apps.ledger import selectors as ledger
from apps.ledger.gateway import Medium
from apps.ledger.models import Bill
from apps.outpatient.models import OrderSource, RegistrationOrder
from apps.window import selectors, services

TAG = "自助终端 · 挂号缴费"


class KioskMediumIn(serializers.Serializer):
    mdtrt_cert_type = serializers.CharField(
        max_length=2,
        help_text="就诊凭证类型：01 医保码，02 身份证，03 社保卡",
    )
    mdtrt_cert_no = serializers.CharField(max_length=50, help_text="医保码的 ecToken、身份证号或社保卡号")
    card_sn = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="社保卡的卡识别码（03 必填）"
    )


class KioskRegisterIn(KioskMediumIn):
    schedule_id = serializers.IntegerField(help_text="号源编号（来自当日号源列表）")


class KioskInsuranceOut(serializers.Serializer):
    insutype = serializers.CharField(help_text="险种类型代码")
    insutype_name = serializers.CharField(help_text="险种名称")
    balc = serializers.CharField(help_text="个人账户余额（元，两位小数）")


class KioskPersonOut(serializers.Serializer):
    name = serializers.CharField(help_text="姓名（已脱敏）")
    certno = serializers.CharField(help_text="身份证号（已脱敏）")
    insurances = KioskInsuranceOut(many=True)
    signed = serializers.BooleanField(allow_null=True, help_text="是否已签约先医后付；平台暂时无法查询时为空")
    sign_url = serializers.CharField(help_text="未签约时的签约地址（终端显示为二维码供患者扫码）")


class KioskSessionOut(serializers.Serializer):
    schedule_id = serializers.IntegerField(source="pk", help_text="号源编号")
    dept_code = serializers.CharField(source="doctor.department.code", help_text="科室编码")
    dept_name = serializers.CharField(source="doctor.department.name", help_text="科室名称")
    dept_location = serializers.CharField(source="doctor.department.location", help_text="科室位置")
    doctor_name = serializers.CharField(source="doctor.name", help_text="医生姓名")
    doctor_level = serializers.CharField(source="doctor.level_name", help_text="医生职称")
    period = serializers.CharField(source="get_period_display", help_text="时段：上午 / 下午")
    start_time = serializers.TimeField(help_text="开始时间")
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="挂号费（元）")
    remaining = serializers.IntegerField(help_text="余号")


class KioskItemOut(serializers.Serializer):
    item_name = serializers.CharField(help_text="项目名称")
    cnt = serializers.DecimalField(max_digits=14, decimal_places=4, help_text="数量")
    det_item_fee_sumamt = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="金额（元）")


class KioskBillOut(serializers.Serializer):
    bill_id = serializers.IntegerField(source="pk", help_text="账单编号")
    kind = serializers.CharField(source="kind_label", help_text="账单类型：窗口挂号、窗口收费、诊间处方等")
    dept_name = serializers.CharField(help_text="开单科室")
    total = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="应付总额（元）")
    items = KioskItemOut(many=True)


class KioskReceiptOut(serializers.Serializer):
    bill_id = serializers.IntegerField(help_text="账单编号")
    state = serializers.CharField(
        help_text="open 待结算、settling 结算中、unknown 结果未知正在核实、settled 已结算、refunded 已退费"
    )
    state_label = serializers.CharField(help_text="状态的中文名")
    title = serializers.CharField(help_text="挂号凭条 或 门诊结算单")
    patient = serializers.CharField(help_text="患者（已脱敏）")
    total = serializers.CharField(help_text="医疗费总额（元）")
    fund_pay_sumamt = serializers.CharField(help_text="基金支付（元）")
    acct_pay = serializers.CharField(help_text="个人账户支付（元）")
    psn_cash_pay = serializers.CharField(help_text="现金部分（先医后付，由平台后付）（元）")
    queue_no = serializers.IntegerField(allow_null=True, help_text="候诊号（挂号时）")
    tips = serializers.ListField(child=serializers.CharField(), help_text="下一步去哪里：候诊位置、取药窗口、检查地点")
    items = KioskItemOut(many=True)


class KioskOutcomeOut(serializers.Serializer):
    status = serializers.CharField(
        help_text="settled 已结算，refused 医保未予结算，unknown 结果未知（正在核实，切勿重复结算）"
    )
    message = serializers.CharField(help_text="给患者看的说明")
    receipt = KioskReceiptOut(allow_null=True)


def _named(exc: ApplicationError) -> ApplicationError:
    """A refusal about one field names it in the message too, for the kiosk's log."""
    field = exc.extra.get("field")
    if field and not exc.message.startswith(field):
        return ApplicationError(f"{field}: {exc.message}", exc.extra, http_status=exc.http_status)
    return exc


def _kiosk(request) -> Opter:
    """The terminal acts, under its key's name (opter_type 2 自助终端)."""
    return Opter(request.auth.name[:30], request.auth.name[:50], "2")


def _read(request, data: dict):
    medium = {key: data[key] for key in ("mdtrt_cert_type", "mdtrt_cert_no", "card_sn")}
    try:
        reading = services.medium_read(**medium, opter=_kiosk(request))
    except ApplicationError as exc:
        raise _named(exc) from None
    return reading, Medium.of(reading)


def receipt_data(bill: Bill) -> dict:
    order = RegistrationOrder.objects.filter(bill=bill).first()
    settlement = bill.settlement
    state = ledger.bill_gateway_state(bill)

    def amount(name):
        value = getattr(settlement, name) if settlement else None
        return f"{value:.2f}" if value is not None else ""

    return {
        "bill_id": bill.pk,
        "state": state,
        "state_label": "结果未知，正在核实" if state == "unknown" else bill.get_state_display(),
        "title": "挂号凭条" if order else "门诊结算单",
        "patient": bill.patient.name_masked,
        "total": f"{bill.total:.2f}",
        "fund_pay_sumamt": amount("fund_pay_sumamt"),
        "acct_pay": amount("acct_pay"),
        "psn_cash_pay": amount("psn_cash_pay"),
        "queue_no": order.queue_no if order else None,
        "tips": (bill.settlement_reply or {}).get("common_tip_list", []),
        "items": KioskItemOut(bill.items.all(), many=True).data,
    }


def _outcome(bill: Bill, outcome) -> dict:
    bill.refresh_from_db()
    receipt = receipt_data(bill) if outcome.status == "settled" else None
    return {"status": outcome.status, "message": outcome.message or "", "receipt": receipt}


class KioskView(HospitalAPIView):
    api_scope = Scope.KIOSK


@extend_schema(
    tags=[TAG],
    summary="刷卡读取患者",
    description="用医保码、身份证或社保卡向医保读取参保信息（1101），并实时向先医后付平台查询签约状态（附录五）。"
    "未签约的患者返回签约地址，终端显示为二维码；签约后再次调用本接口即可。",
    request=KioskMediumIn,
    responses={200: KioskPersonOut, 400: ErrorOut},
)
class PersonView(KioskView):
    def post(self, request):
        reading, _ = _read(request, self.valid(KioskMediumIn, request.data))
        state = services.sign_state(patient=reading.patient)
        return Response(
            {
                "name": reading.patient.name_masked,
                "certno": reading.patient.certno_masked,
                "insurances": [
                    {"insutype": i.insutype, "insutype_name": label("insutype", i.insutype), "balc": f"{i.balc:.2f}"}
                    for i in reading.person.insuinfo
                ],
                "signed": state.signed,
                "sign_url": state.sign_url,
            }
        )


@extend_schema(
    tags=[TAG],
    summary="当日号源",
    description="今天尚可挂号的号源，可按科室编码筛选。",
    parameters=[OpenApiParameter("dept", str, description="科室编码（可选）")],
    responses={200: KioskSessionOut(many=True)},
)
class SessionsView(KioskView):
    def get(self, request):
        dept = str(request.query_params.get("dept", ""))[:30]
        return Response(KioskSessionOut(selectors.sessions_today(department_code=dept), many=True).data)


@extend_schema(
    tags=[TAG],
    summary="挂号并先医后付结算",
    description="为已签约先医后付的患者挂当日号（2201），上传挂号费（2204）并带先医后付标志结算（2207），"
    "返回挂号凭条。结果未知时返回 unknown：系统自动核实，不会重复结算，请勿再次提交。",
    request=KioskRegisterIn,
    responses={200: KioskOutcomeOut, 400: ErrorOut},
)
class RegisterView(KioskView):
    def post(self, request):
        data = self.valid(KioskRegisterIn, request.data)
        reading, medium = _read(request, data)
        try:
            order = services.window_register(
                patient=reading.patient, schedule_id=data["schedule_id"], source=OrderSource.KIOSK
            )
            bill = order.bill
            outcome = services.window_settle(bill=bill, medium=medium, opter=_kiosk(request))
        except ApplicationError as exc:
            raise _named(exc) from None
        return Response(_outcome(bill, outcome))


@extend_schema(
    tags=[TAG],
    summary="待缴费用",
    description="刷卡后列出患者当日待缴的门诊费用（挂号、处方、检查检验等），每张账单可单独结算。",
    request=KioskMediumIn,
    responses={200: KioskBillOut(many=True), 400: ErrorOut},
)
class UnpaidView(KioskView):
    def post(self, request):
        reading, _ = _read(request, self.valid(KioskMediumIn, request.data))
        return Response(KioskBillOut(selectors.bills_unpaid(patient=reading.patient), many=True).data)


@extend_schema(
    tags=[TAG],
    summary="缴费（先医后付结算）",
    description="上传费用明细（2204）并带先医后付标志结算（2207），返回结算单。同一账单同时只能结算一次："
    "重复提交会被拒绝，结果未知时返回 unknown，由系统自动核实。",
    request=KioskMediumIn,
    responses={200: KioskOutcomeOut, 400: ErrorOut},
)
class SettleView(KioskView):
    def post(self, request, pk: int):
        reading, medium = _read(request, self.valid(KioskMediumIn, request.data))
        bill = get_object_or_404(Bill, pk=pk)
        try:
            bill = services.bill_check_open(bill, reading.patient)
            outcome = services.window_settle(bill=bill, medium=medium, opter=_kiosk(request))
        except ApplicationError as exc:
            raise _named(exc) from None
        return Response(_outcome(bill, outcome))


@extend_schema(
    tags=[TAG],
    summary="凭条 / 结算单",
    description="已结算账单的凭条内容（挂号凭条含候诊号与就诊位置，结算单含取药、检查指引），供终端打印。",
    responses={200: KioskReceiptOut},
)
class ReceiptView(KioskView):
    def get(self, request, pk: int):
        return Response(receipt_data(get_object_or_404(Bill.objects.select_related("patient", "settlement"), pk=pk)))
