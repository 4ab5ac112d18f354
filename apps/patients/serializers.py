"""The patient's medium as the platform's calls carry it (INTERFACES.md 3.3), shared by every org_00x input."""

from django.conf import settings
from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.patients.models import CertType
from apps.patients.selectors import patient_get_by_medium


class MediumSerializer(serializers.Serializer):
    mdtrt_cert_type = serializers.ChoiceField(
        choices=CertType.values, help_text="就诊凭证类型：01 医保码，02 身份证，03 社保卡"
    )
    mdtrt_cert_no = serializers.CharField(max_length=64, help_text="就诊凭证编号")

    def validate(self, attrs):
        patient = patient_get_by_medium(
            mdtrt_cert_type=attrs["mdtrt_cert_type"], mdtrt_cert_no=attrs["mdtrt_cert_no"].strip().upper()
        )
        if patient is None:
            raise ApplicationError("mdtrt_cert_no: 没有该病人")
        attrs["patient"] = patient
        return attrs


def validate_org_code(value: str) -> str:
    if value != settings.ORG_CODE:
        raise serializers.ValidationError(f"不是本院机构编码 {settings.ORG_CODE}")
    return value


class OrgMediumSerializer(MediumSerializer):
    org_code = serializers.CharField(max_length=30, validators=[validate_org_code], help_text="定点医疗机构编码")
