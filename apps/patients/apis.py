"""org_001: the platform asks who the patient is (INTERFACES.md section 2). Served by the patients app; other apps
add their fields through apps.patients.registry.account_fields."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.integrations.inbound import PlatformAPIView, platform_reply
from apps.patients.selectors import patient_account
from apps.patients.serializers import OrgMediumSerializer
from apps.patients.services import patient_ensure_insured


class Org001Input(OrgMediumSerializer):
    cert_no = serializers.CharField(max_length=30, help_text="证件号码")
    account_type = serializers.CharField(max_length=10, help_text="账户类型")


class Org001Out(serializers.Serializer):
    psn_no = serializers.CharField(help_text="人员编号")
    patient_type = serializers.CharField(help_text="患者类型：00 自费，01 医保")
    his_cust_id = serializers.CharField(help_text="院内患者ID")
    his_cust_list = serializers.ListField(child=serializers.DictField(), help_text="院内患者ID列表")
    balance = serializers.CharField(help_text="院内账户余额")
    psn_cert_type = serializers.CharField(help_text="人员证件类型")
    cert_no = serializers.CharField(help_text="证件号码")
    psn_name = serializers.CharField(help_text="姓名")
    gend = serializers.CharField(help_text="性别")
    phone = serializers.CharField(help_text="手机号", allow_blank=True)
    brdy = serializers.CharField(help_text="出生日期")
    naty = serializers.CharField(help_text="民族", allow_blank=True)
    age = serializers.CharField(help_text="年龄")
    insu_type = serializers.CharField(help_text="险种类型", allow_blank=True)
    mdtrt_cert_type = serializers.CharField(help_text="就诊凭证类型")
    mdtrt_cert_no = serializers.CharField(help_text="就诊凭证编号")
    # Inpatients only (contributed by the inpatient app).
    ipt_no = serializers.CharField(required=False, help_text="住院号（住院患者）")
    disease_area = serializers.CharField(required=False, help_text="病区（住院患者）")
    adm_bed = serializers.CharField(required=False, help_text="床位号（住院患者）")
    inpatient_total_fee = serializers.CharField(required=False, help_text="住院总费用（住院患者）")
    inpatient_start_date = serializers.CharField(required=False, help_text="入院日期（住院患者）")
    inpatient_end_date = serializers.CharField(required=False, allow_blank=True, help_text="出院日期（住院患者）")


@extend_schema(
    tags=["platform"], summary="org_001 账户/患者信息查询", request=Org001Input, responses=platform_reply(Org001Out)
)
class Org001AccountView(PlatformAPIView):
    interface = "org_001"
    changes_state = False
    InputSerializer = Org001Input
    OutputSerializer = Org001Out

    def handle(self, data, exchange):
        return patient_account(patient=patient_ensure_insured(patient=data["patient"]))
