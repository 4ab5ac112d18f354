"""org_001–org_004: what the platform asks the hospital about an outpatient bill (INTERFACES.md section 2)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.core.serializers import AmountField
from apps.integrations.inbound import PlatformAPIView
from apps.integrations.transport import exchange_attach
from apps.outpatient import selectors, services
from apps.patients.selectors import patient_get_by_medium
from apps.patients.services import patient_ensure_insured

CERT_TYPES = ["01", "02", "03"]


class MediumSerializer(serializers.Serializer):
    mdtrt_cert_type = serializers.ChoiceField(choices=CERT_TYPES)
    mdtrt_cert_no = serializers.CharField(max_length=64)

    def validate(self, attrs):
        patient = patient_get_by_medium(
            mdtrt_cert_type=attrs["mdtrt_cert_type"], mdtrt_cert_no=attrs["mdtrt_cert_no"].strip().upper()
        )
        if patient is None:
            raise ApplicationError("mdtrt_cert_no: 没有该病人")
        attrs["patient"] = patient
        return attrs


class OrgMediumSerializer(MediumSerializer):
    org_code = serializers.CharField(max_length=30)

    def validate_org_code(self, value):
        if value != settings.ORG_CODE:
            raise serializers.ValidationError(f"不是本院机构编码 {settings.ORG_CODE}")
        return value


class PlatformReply(serializers.Serializer):
    ret_code = serializers.CharField()
    ret_msg = serializers.CharField()
    result = serializers.CharField()


class Org001Input(OrgMediumSerializer):
    cert_no = serializers.CharField(max_length=30)
    account_type = serializers.CharField(max_length=10)


class Org001Reply(PlatformReply):
    psn_no = serializers.CharField()
    patient_type = serializers.CharField(help_text="00 自费, 01 医保")
    his_cust_id = serializers.CharField()
    his_cust_list = serializers.ListField(child=serializers.DictField())
    balance = serializers.CharField()
    psn_cert_type = serializers.CharField()
    cert_no = serializers.CharField()
    psn_name = serializers.CharField()
    gend = serializers.CharField()
    phone = serializers.CharField()
    brdy = serializers.CharField()
    naty = serializers.CharField()
    age = serializers.CharField()
    insu_type = serializers.CharField()


@extend_schema(
    tags=["platform"], summary="org_001 account / patient information", request=Org001Input, responses=Org001Reply
)
class Org001AccountView(PlatformAPIView):
    interface = "org_001"
    InputSerializer = Org001Input

    def handle(self, data, exchange):
        return selectors.account_info(patient=patient_ensure_insured(patient=data["patient"]))


class Org002Reply(PlatformReply):
    unsettlelist = serializers.ListField(child=serializers.DictField(), help_text="org_trace_no, mdtrt_id, rxlist …")


@extend_schema(
    tags=["platform"], summary="org_002 unsettled fees and details", request=OrgMediumSerializer, responses=Org002Reply
)
class Org002UnsettledView(PlatformAPIView):
    interface = "org_002"
    InputSerializer = OrgMediumSerializer

    def handle(self, data, exchange):
        bills = []
        for order in selectors.unsettled_orders(patient=data["patient"]):
            if not bills:  # the order this call is about, as a rule the only one: its page shows the call
                exchange_attach(exchange, order)
            services.visit_ensure_registered(order=order)
            bills.append(selectors.unsettled_bill(order=order))
        return {"unsettlelist": bills}


class Org003Input(serializers.Serializer):
    mdtrt_cert_no = serializers.CharField(max_length=64)
    mdtrt_cert_type = serializers.ChoiceField(choices=CERT_TYPES)
    org_trace_no = serializers.CharField(max_length=64)
    amp_trace_id = serializers.CharField(max_length=64)
    doc_trace_no = serializers.CharField(max_length=64)
    feesum_amt = AmountField()
    org_code = serializers.CharField(max_length=30)
    trace_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    setl_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    mdtrt_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    setl_time = serializers.IntegerField(required=False, min_value=0)
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

    def validate_org_code(self, value):
        return OrgMediumSerializer.validate_org_code(self, value)

    def validate(self, attrs):
        attrs["amounts"] = {
            name: attrs.pop(name)
            for name, field in self.fields.items()
            if isinstance(field, AmountField) and name in attrs
        }
        return attrs


class Org003Reply(PlatformReply):
    call_sn = serializers.CharField()
    balance = serializers.CharField()
    druginfo = serializers.CharField()
    common_tip_list = serializers.ListField(child=serializers.CharField())


@extend_schema(
    tags=["platform"],
    summary="org_003 settlement result write-back (idempotent on org_trace_no)",
    request=Org003Input,
    responses=Org003Reply,
)
class Org003SettlementView(PlatformAPIView):
    interface = "org_003"
    InputSerializer = Org003Input

    def handle(self, data, exchange):
        return services.settlement_record(data=data, amounts=data.pop("amounts"), exchange=exchange)


class Org004Input(MediumSerializer):
    org_trace_no = serializers.CharField(max_length=64, required=False, allow_blank=True)


@extend_schema(tags=["platform"], summary="org_004 settlement result query", request=Org004Input, responses=Org003Reply)
class Org004SettlementQueryView(PlatformAPIView):
    interface = "org_004"
    InputSerializer = Org004Input

    def handle(self, data, exchange):
        order = selectors.settlement_find(patient=data["patient"], org_trace_no=data.get("org_trace_no", ""))
        if order is None:
            return {"result": "fail", "ret_msg": "未查询到结算记录"}
        return {"result": "succ", **order.settlement_reply}
