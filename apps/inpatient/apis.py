"""The HIS side of the stay under /api/v1/ (CONTRACT.md 4a), with the kiosk API's key scheme
(`Authorization: Api-Key <key>`): admission state, deposits, deposit collect / refund, pre-settle, settle."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.core.money import format_money
from apps.hospital_api.auth import ErrorOut, HospitalAPIView
from apps.hospital_api.models import Scope
from apps.inpatient import discharge, selectors, services
from apps.inpatient.models import Admission, Deposit

TAG = "医院信息系统 · 住院押金与出院结算"
MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class InpatientAdmissionOut(serializers.Serializer):
    ipt_no = serializers.CharField(help_text="住院号")
    mdtrt_id = serializers.CharField(help_text="医保就诊ID（入院登记 2401 返回；未登记时为空）")
    state = serializers.CharField(help_text="admitted 在院、discharged 已出院待结算、settled 已结算")
    state_label = serializers.CharField(help_text="状态的中文名")
    patient_name = serializers.CharField(help_text="患者姓名（脱敏）")
    disease_area = serializers.CharField(help_text="病区")
    adm_bed = serializers.CharField(help_text="床位号")
    adm_dept_name = serializers.CharField(help_text="入院科室")
    begntime = serializers.DateTimeField(help_text="入院时间")
    endtime = serializers.DateTimeField(allow_null=True, help_text="出院时间（未出院为空）")
    inpatient_total_fee = serializers.CharField(help_text="住院费用合计（元，不含已撤销）")
    deposits_held = serializers.CharField(help_text="有效押金合计（元）")


class InpatientDepositOut(serializers.Serializer):
    dpst_sn = serializers.CharField(help_text="预交金流水号（押金收据号）")
    dpst_amt = serializers.CharField(help_text="金额（元）")
    dpst_id = serializers.CharField(help_text="医保预交金ID（C2304 返回）")
    state = serializers.CharField(
        help_text="collecting 收取中、collect_unknown 收取结果未知、not_collected 未收取、held 已缴、refunding 退还中、"
        "refund_unknown 退还结果未知、refunded 已退还"
    )
    state_label = serializers.CharField(help_text="状态的中文名")
    replaces = serializers.CharField(allow_blank=True, help_text="部分退还时：被整笔退还的原押金流水号")
    created_at = serializers.DateTimeField(help_text="收取时间")


class DepositCollectIn(serializers.Serializer):
    dpst_amt = serializers.DecimalField(**MONEY, help_text="押金金额（元，两位小数）")
    dpst_sn = serializers.CharField(
        max_length=30, help_text="HIS 的预交金流水号：同一流水号重复提交只收一次，返回首次结果（可放心重试）"
    )


class DepositRefundIn(serializers.Serializer):
    refd_amt = serializers.DecimalField(
        **MONEY, required=False, help_text="退还金额；预交金只能整笔退，与押金金额不同则拒绝（不发送医保）"
    )
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="退还原因")


class DepositOutcomeOut(serializers.Serializer):
    status = serializers.CharField(
        help_text="succeeded 成功、failed 未成功（未动资金）、unknown 结果未知（系统自动核实）"
    )
    message = serializers.CharField(help_text="给收费员看的说明")
    deposit = InpatientDepositOut(allow_null=True)


class InpatientPreviewOut(serializers.Serializer):
    medfee_sumamt = serializers.CharField(help_text="医疗费总额")
    fund_pay_sumamt = serializers.CharField(help_text="医保基金支付")
    acct_pay = serializers.CharField(help_text="个人账户支付")
    psn_cash_pay = serializers.CharField(help_text="个人负担，出院结算时由先医后付支付")
    deposits_held = serializers.CharField(help_text="有效押金合计，结算成功后逐笔整笔退回")
    top_up = serializers.CharField(help_text="相当于补收的金额（个人负担多于押金时）")
    net_refund = serializers.CharField(help_text="相当于退还的金额（押金多于个人负担时）")
    words = serializers.ListField(child=serializers.CharField(), help_text="押金处理规则的文字说明")


class InpatientSettleOut(serializers.Serializer):
    status = serializers.CharField(help_text="settled 已结算、refused 医保未予结算、unknown 结果未知（系统自动核实）")
    message = serializers.CharField()
    refunds = DepositOutcomeOut(many=True, help_text="结算成功后每笔押金的退还结果")


def _admission(ipt_no: str) -> Admission:
    return get_object_or_404(Admission.objects.select_related("patient"), ipt_no=ipt_no)


def _admission_out(admission: Admission) -> dict:
    return {
        "ipt_no": admission.ipt_no,
        "mdtrt_id": admission.mdtrt_id if admission.mdtrt_id != services.PENDING_REGISTRATION else "",
        "state": admission.state,
        "state_label": admission.get_state_display(),
        "patient_name": admission.patient.name_masked,
        "disease_area": admission.disease_area,
        "adm_bed": admission.adm_bed,
        "adm_dept_name": admission.adm_dept_name,
        "begntime": admission.begntime,
        "endtime": admission.endtime,
        "inpatient_total_fee": format_money(selectors.charges_total(admission)),
        "deposits_held": format_money(selectors.deposits_total_held(admission)),
    }


def _deposit_out(view: selectors.DepositView) -> dict:
    d = view.deposit
    return {
        "dpst_sn": d.dpst_sn, "dpst_amt": format_money(d.dpst_amt), "dpst_id": d.dpst_id, "state": view.state,
        "state_label": view.state_label, "replaces": view.replaces.deposit.dpst_sn if view.replaces else "",
        "created_at": d.created_at,
    }  # fmt: skip


def _outcome_out(outcome) -> dict:
    deposit = _deposit_out(selectors.deposit_view(outcome.deposit)) if outcome.deposit else None
    return {"status": outcome.status, "message": outcome.message, "deposit": deposit}


class InpatientView(HospitalAPIView):
    api_scope = Scope.KIOSK

    def opter(self):
        name = self.request.auth.name
        return (name[:30], name[:50])


@extend_schema(tags=[TAG], summary="查询住院状态", responses={200: InpatientAdmissionOut, 404: ErrorOut},
               description="按住院号查询：在院 / 已出院待结算 / 已结算，费用合计与有效押金合计。")  # fmt: skip
class AdmissionView(InpatientView):
    def get(self, request, ipt_no: str):
        return Response(_admission_out(_admission(ipt_no)))


@extend_schema(tags=[TAG], summary="押金列表", responses={200: InpatientDepositOut(many=True)},
               description="该住院的全部押金及其状态（含收取或退还结果未知、正在核实的）。")  # fmt: skip
class DepositsView(InpatientView):
    def get(self, request, ipt_no: str):
        return Response([_deposit_out(v) for v in selectors.deposits_of(_admission(ipt_no))])


@extend_schema(
    tags=[TAG],
    summary="收取押金（先医后付 C2304）",
    description="以先医后付收取一笔押金并记入资金台账，推送平台支付消息。同一 dpst_sn 重复提交只收一次，返回首次结果。"
    "结果未知时 status 为 unknown：系统自动向医保核实（冲正），不会重复扣款，请勿换流水号重收。",
    request=DepositCollectIn,
    responses={201: DepositOutcomeOut, 200: DepositOutcomeOut, 400: ErrorOut},
    examples=[
        OpenApiExample("收取 2000 元", value={"dpst_amt": "2000.00", "dpst_sn": "HIS20260401001"}, request_only=True)
    ],
)
class DepositCollectView(InpatientView):
    def post(self, request, ipt_no: str):
        data = self.valid(DepositCollectIn, request.data)
        outcome = services.deposit_collect(
            admission=_admission(ipt_no), dpst_amt=data["dpst_amt"], dpst_sn=data["dpst_sn"], opter=self.opter()
        )
        return Response(
            _outcome_out(outcome),
            status=status.HTTP_201_CREATED if outcome.ok and not outcome.repeated else status.HTTP_200_OK,
        )


@extend_schema(
    tags=[TAG],
    summary="退还押金（C2305，只能整笔退）",
    description="整笔退还一笔押金。refd_amt 与押金金额不同则返回 400（extra.partial 为 true）且不发送医保：预交金不支持"
    "部分退费，如需部分退还，请整笔退还后按留存金额重新收取一笔。重复调用不会重复退还。",
    request=DepositRefundIn,
    responses={200: DepositOutcomeOut, 400: ErrorOut},
)
class DepositRefundView(InpatientView):
    def post(self, request, dpst_sn: str):
        data = self.valid(DepositRefundIn, request.data)
        deposit = get_object_or_404(Deposit.objects.select_related("admission__patient"), dpst_sn=dpst_sn)
        outcome = services.deposit_refund(
            deposit=deposit, refd_amt=data.get("refd_amt"), reason=data.get("reason", ""), opter=self.opter()
        )
        return Response(_outcome_out(outcome))


@extend_schema(
    tags=[TAG],
    summary="出院预结算（2303）",
    description="已出院的住院：按住院费用预结算（不动资金），并说明押金如何处理：出院结算由先医后付一次支付个人负担，"
    "结算成功后每笔押金整笔退回；相当于补收或退还其差额。",
    request=None,
    responses={200: InpatientPreviewOut, 400: ErrorOut},
)
class PresettleView(InpatientView):
    def post(self, request, ipt_no: str):
        preview = discharge.discharge_preview(admission=_admission(ipt_no), opter=self.opter())
        split, plan = preview.split, preview.plan
        return Response(
            {
                **{k: format_money(split[k]) for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")},
                "deposits_held": format_money(plan.deposits_total),
                "top_up": format_money(plan.top_up),
                "net_refund": format_money(plan.net_refund),
                "words": plan.words(),
            }
        )


@extend_schema(
    tags=[TAG],
    summary="出院结算（2304，先医后付）",
    description="以先医后付标志结算，成功后逐笔整笔退还押金（C2305）。同一住院同时只能有一次结算：重复调用返回 400。"
    "结果未知时 status 为 unknown，系统自动核实，核实前不会再次结算。",
    request=None,
    responses={200: InpatientSettleOut, 400: ErrorOut},
)
class SettleView(InpatientView):
    def post(self, request, ipt_no: str):
        outcome = discharge.discharge_settle(admission=_admission(ipt_no), opter=self.opter())
        return Response(
            {
                "status": outcome.status,
                "message": outcome.message,
                "refunds": [_outcome_out(r) for r in outcome.refunds],
            }
        )
