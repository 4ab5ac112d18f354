"""org_002 / org_003 / org_004: the platform asks for a patient's unsettled bills, writes a settlement back, and
asks for a settlement's result (INTERFACES.md section 2). Served by the ledger for every kind of bill."""

import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.serializers import AmountField, EpochMillisField
from apps.integrations.inbound import PlatformAPIView, platform_reply
from apps.ledger import selectors, services
from apps.ledger.settlement import PlatformSettlement, SettlementResult
from apps.patients.models import CertType
from apps.patients.serializers import MediumSerializer, OrgMediumSerializer, validate_org_code


class Money(serializers.DecimalField):
    """An amount on the wire: a string with two places."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)


class BillItemOut(serializers.Serializer):
    feedetl_sn = serializers.CharField(help_text="费用明细流水号")
    rx_no = serializers.CharField(help_text="处方号")
    med_list_codg = serializers.CharField(help_text="医疗目录编码")
    medins_list_codg = serializers.CharField(help_text="医药机构目录编码")
    item_name = serializers.CharField(help_text="项目名称")
    spec = serializers.CharField(help_text="规格")
    pric = serializers.DecimalField(max_digits=16, decimal_places=6, help_text="单价")
    cnt = serializers.DecimalField(max_digits=16, decimal_places=4, help_text="数量")
    det_item_fee_sumamt = Money(help_text="明细项目费用总额")
    fee_ocur_time = serializers.DateTimeField(format="%Y-%m-%d %H:%M:%S", help_text="费用发生时间")
    bilg_dept_codg = serializers.CharField(help_text="开单科室编码")
    bilg_dept_name = serializers.CharField(help_text="开单科室名称")
    bilg_dr_codg = serializers.CharField(help_text="开单医生编码")
    bilg_dr_name = serializers.CharField(help_text="开单医生姓名")
    hi_item = serializers.CharField(help_text="医保项目标志")
    item_emp = serializers.CharField(help_text="单位")


class BillOut(serializers.Serializer):
    """One entry of `unsettlelist`: a bill with its visit, its patient and its fee lines (2204 names)."""

    org_trace_no = serializers.CharField(help_text="机构跟踪号：结算回写与查询的键")
    doc_trace_no = serializers.CharField(source="org_trace_no", help_text="单据号")
    chrg_bchno = serializers.CharField(source="org_trace_no", help_text="收费批次号")
    ipt_otp_no = serializers.CharField(help_text="门诊/住院号")
    mdtrt_id = serializers.CharField(help_text="就诊ID")
    psn_no = serializers.CharField(source="patient.psn_no", help_text="人员编号")
    psn_name = serializers.CharField(source="patient.name", help_text="姓名")
    mdtrt_cert_type = serializers.CharField(source="patient.mdtrt_cert_type", help_text="就诊凭证类型")
    mdtrt_cert_no = serializers.CharField(source="patient.certno", help_text="就诊凭证编号")
    insutype = serializers.CharField(source="patient.insutype", help_text="险种类型")
    med_type = serializers.CharField(help_text="医疗类别")
    dept_code = serializers.CharField(help_text="科室编码")
    dept_name = serializers.CharField(help_text="科室名称")
    dr_code = serializers.CharField(help_text="医师编码")
    dr_name = serializers.CharField(help_text="医师姓名")
    medfee_sumamt = Money(source="total", help_text="医疗费总额")
    psn_setlway = serializers.CharField(help_text="个人结算方式")
    acct_used_flag = serializers.CharField(help_text="个人账户使用标志")
    fulamt_ownpay_amt = serializers.SerializerMethodField(help_text="全自费金额")
    overlmt_selfpay = serializers.SerializerMethodField(help_text="超限价自费金额")
    preselfpay_amt = serializers.SerializerMethodField(help_text="先行自付金额")
    inscp_scp_amt = Money(source="total", help_text="符合政策范围金额")
    diaglist = serializers.ListField(child=serializers.DictField(), help_text="诊断信息")
    rxlist = BillItemOut(source="items.all", many=True, help_text="费用明细（2204 字段）")

    # Every line of a bill is a catalogue item within policy: the gateway's settlement computes the rest.
    def _zero(self, bill) -> str:
        return "0.00"

    get_fulamt_ownpay_amt = get_overlmt_selfpay = get_preselfpay_amt = _zero


class Org002Out(serializers.Serializer):
    unsettlelist = BillOut(many=True, help_text="待结算账单")


@extend_schema(
    tags=["platform"],
    summary="org_002 待结算费用及明细",
    request=OrgMediumSerializer,
    responses=platform_reply(Org002Out),
)
class Org002UnsettledView(PlatformAPIView):
    interface = "org_002"
    InputSerializer = OrgMediumSerializer
    OutputSerializer = Org002Out

    def handle(self, data, exchange):
        return {"unsettlelist": services.bills_prepare_payable(patient=data["patient"], exchange=exchange)}


class Org003Input(serializers.Serializer):
    mdtrt_cert_no = serializers.CharField(max_length=64)
    mdtrt_cert_type = serializers.ChoiceField(choices=CertType.values)
    org_trace_no = serializers.CharField(max_length=64)
    amp_trace_id = serializers.CharField(max_length=64)
    doc_trace_no = serializers.CharField(max_length=64)
    feesum_amt = AmountField()
    org_code = serializers.CharField(max_length=30, validators=[validate_org_code])
    trace_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    setl_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    mdtrt_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    setl_time = EpochMillisField(required=False)
    used_patient_type = serializers.CharField(max_length=2, required=False, allow_blank=True)
    # setlinfo amounts (INTERFACES.md org_003), each parsed strictly when present.
    deposit_amount = AmountField(required=False)
    medfee_sumamt = AmountField(required=False)
    fund_pay_sumamt = AmountField(required=False)
    psn_part_amt = AmountField(required=False)
    psn_cash_pay = AmountField(required=False)
    acct_pay = AmountField(required=False)
    hosp_part_amt = AmountField(required=False)
    hifp_pay = AmountField(required=False)
    hifmi_pay = AmountField(required=False)
    hifob_pay = AmountField(required=False)
    cvlserv_pay = AmountField(required=False)
    maf_pay = AmountField(required=False)
    oth_pay = AmountField(required=False)
    acct_mulaid_pay = AmountField(required=False)
    fulamt_ownpay_amt = AmountField(required=False)
    overlmt_selfpay = AmountField(required=False)
    preselfpay_amt = AmountField(required=False)
    inscp_scp_amt = AmountField(required=False)
    act_pay_dedc = AmountField(required=False)

    def validate(self, attrs):
        return {"settlement": self._settlement(attrs)}

    def _settlement(self, data) -> PlatformSettlement:
        """The typed settlement, parsed once here and passed inward."""
        amounts = {
            name: data[name]
            for name, field in self.fields.items()
            if isinstance(field, AmountField) and name in data and name != "feesum_amt"
        }
        setl_time = data.get("setl_time")
        return PlatformSettlement(
            org_trace_no=data["org_trace_no"],
            mdtrt_cert_type=data["mdtrt_cert_type"],
            mdtrt_cert_no=data["mdtrt_cert_no"],
            amp_trace_id=data["amp_trace_id"],
            doc_trace_no=data["doc_trace_no"],
            feesum_amt=data["feesum_amt"],
            trace_id=data.get("trace_id") or "",
            used_patient_type=data.get("used_patient_type") or "",
            result=SettlementResult(
                setl_id=data.get("setl_id") or "",
                mdtrt_id=data.get("mdtrt_id") or "",
                setl_time=datetime.datetime.fromtimestamp(setl_time / 1000, tz=datetime.UTC) if setl_time else None,
                amounts=amounts,
            ),
        )


class Org003Out(serializers.Serializer):
    call_sn = serializers.CharField(help_text="门户回执号")
    balance = serializers.CharField(help_text="院内账户余额")
    druginfo = serializers.CharField(allow_blank=True, help_text="取药信息")
    common_tip_list = serializers.ListField(child=serializers.CharField(), help_text="就医提示")


@extend_schema(
    tags=["platform"],
    summary="org_003 结算结果回写（同一机构跟踪号幂等）",
    request=Org003Input,
    responses=platform_reply(Org003Out),
)
class Org003SettlementView(PlatformAPIView):
    interface = "org_003"
    InputSerializer = Org003Input
    OutputSerializer = Org003Out

    def handle(self, data, exchange):
        return services.bill_settle_from_platform(settlement=data["settlement"], exchange=exchange)


class Org004Input(MediumSerializer):
    org_trace_no = serializers.CharField(max_length=64, required=False, allow_blank=True)


class Org004Out(Org003Out):
    call_sn = serializers.CharField(required=False, help_text="门户回执号")
    balance = serializers.CharField(required=False, help_text="院内账户余额")
    druginfo = serializers.CharField(required=False, allow_blank=True, help_text="取药信息")
    common_tip_list = serializers.ListField(child=serializers.CharField(), required=False, help_text="就医提示")
    result = serializers.CharField(help_text="succ 找到结算；fail 未找到")
    ret_msg = serializers.CharField(required=False)


@extend_schema(
    tags=["platform"], summary="org_004 结算结果查询", request=Org004Input, responses=platform_reply(Org004Out)
)
class Org004SettlementQueryView(PlatformAPIView):
    interface = "org_004"
    changes_state = False
    InputSerializer = Org004Input
    OutputSerializer = Org004Out

    def handle(self, data, exchange):
        bill = selectors.settled_bill_find(patient=data["patient"], org_trace_no=data.get("org_trace_no", ""))
        if bill is None:
            return {"result": "fail", "ret_msg": "未查询到结算记录"}
        return {"result": "succ", **bill.settlement_reply}
