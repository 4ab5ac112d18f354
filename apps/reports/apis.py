"""附录二: the platform reads the hospital's exam and lab reports. camelCase keys exactly as the guide spells them,
around ret_code / ret_msg (PlatformAPIView style "report")."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.integrations.inbound import PlatformAPIView, platform_reply
from apps.reports import selectors
from apps.reports.models import ExamTest

NOT_FOUND = "未找到该报告"


class Identity(serializers.Serializer):
    psnNo = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="人员编号")
    psnCerType = serializers.CharField(max_length=6, help_text="人员证件类型（01 居民身份证）")
    certno = serializers.CharField(max_length=50, help_text="证件号码")
    userName = serializers.CharField(max_length=50, help_text="用户姓名")
    patnId = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="患者ID")


class ReportListInput(Identity):
    examOrgNode = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="检查机构代码")
    examOrgName = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="检查机构名称")
    examItemNode = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="检查-项目代码")
    examItemName = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="检查-项目名称")
    rptBegDate = serializers.DateField(input_formats=["%Y-%m-%d"], required=False, help_text="报告开始日期 yyyy-MM-dd")
    rptEndDate = serializers.DateField(input_formats=["%Y-%m-%d"], required=False, help_text="报告结束日期 yyyy-MM-dd")
    examTest = serializers.ChoiceField(choices=ExamTest.values, required=False, help_text="1 检查报告，2 检验报告")


class ReportItemOut(serializers.Serializer):
    psnNo = serializers.CharField(source="patient.psn_no", help_text="人员编号")
    rpotcNo = serializers.CharField(help_text="报告单号")
    rptDate = serializers.DateField(format="%Y-%m-%d", help_text="报告日期")
    examTest = serializers.CharField(help_text="检查/检验标志")
    rpotcTypeCode = serializers.CharField(help_text="报告单类别代码")
    fixmedinsCode = serializers.CharField(help_text="机构编号")
    examRpotcName = serializers.CharField(help_text="检查报告单名称")
    examRsltPoitFlag = serializers.CharField(help_text="检查结果阳性标志")
    examRsltAbn = serializers.CharField(help_text="检查/检验结果异常标志")
    examCcls = serializers.CharField(help_text="检查结论")


class ReportListOut(serializers.Serializer):
    reportlist = ReportItemOut(many=True, help_text="报告列表")


@extend_schema(
    tags=["platform"],
    summary="附录二 报告信息查询",
    request=ReportListInput,
    responses=platform_reply(ReportListOut, style="report"),
)
class ReportListView(PlatformAPIView):
    interface = "reports/list"
    changes_state = False
    style = "report"
    InputSerializer = ReportListInput
    OutputSerializer = ReportListOut

    def handle(self, data, exchange):
        patient = selectors.patient_for_identity(
            psnCerType=data["psnCerType"], certno=data["certno"], userName=data["userName"]
        )
        if patient is None:
            return {"reportlist": []}
        filters = {
            name: data.get(name)
            for name in ("examTest", "rptBegDate", "rptEndDate", "examOrgNode", "examOrgName", "examItemNode",
                         "examItemName")
        }  # fmt: skip
        return {"reportlist": selectors.reports_published(patient=patient, **filters)}


class ReportDetailInput(Identity):
    rpotcNo = serializers.CharField(max_length=30, help_text="报告单号")
    fixmedinsCode = serializers.CharField(max_length=20, help_text="机构编号")
    examTest = serializers.ChoiceField(choices=ExamTest.values, help_text="1 检查报告，2 检验报告")


class CheckReportOut(serializers.Serializer):
    psnNo = serializers.CharField(source="patient.psn_no")
    rpotcNo = serializers.CharField()
    rptDate = serializers.DateField(format="%Y-%m-%d")
    rpotcTypeCode = serializers.CharField()
    examRpotcName = serializers.CharField()
    examRsltPoitFlag = serializers.CharField()
    examRsltAbn = serializers.CharField()
    examCcls = serializers.CharField()
    bilgDrName = serializers.CharField()


class InspectionReportOut(serializers.Serializer):
    psnNo = serializers.CharField(source="patient.psn_no")
    rpotcNo = serializers.CharField()
    examItemCode = serializers.CharField()
    examItemName = serializers.CharField()
    rptDate = serializers.DateField(format="%Y-%m-%d")
    rpotDoc = serializers.CharField()


class InspectionDetailOut(serializers.Serializer):
    rpotcNo = serializers.CharField(source="report.rpotcNo")
    examMtd = serializers.CharField()
    refVal = serializers.CharField()
    examUnt = serializers.CharField()
    examRsltVal = serializers.DecimalField(max_digits=11, decimal_places=4, allow_null=True)
    examRsltQual = serializers.CharField()
    examItemDetlCode = serializers.CharField()
    examItemDetlName = serializers.CharField()
    examRsltAbn = serializers.CharField()
    reportResource = serializers.CharField()


class ReportDetailOut(serializers.Serializer):
    checkReportDetails = CheckReportOut(required=False, help_text="检查报告明细信息")
    inspectionReportInformation = InspectionReportOut(required=False, help_text="检验报告信息")
    inspectionDetails = InspectionDetailOut(many=True, required=False, help_text="检验明细信息")


@extend_schema(
    tags=["platform"],
    summary="附录二 报告明细查询",
    request=ReportDetailInput,
    responses=platform_reply(ReportDetailOut, style="report"),
)
class ReportDetailView(PlatformAPIView):
    interface = "reports/detail"
    changes_state = False
    style = "report"
    InputSerializer = ReportDetailInput
    OutputSerializer = ReportDetailOut

    def handle(self, data, exchange):
        patient = selectors.patient_for_identity(
            psnCerType=data["psnCerType"], certno=data["certno"], userName=data["userName"]
        )
        report = patient and selectors.report_published(
            patient=patient, rpotcNo=data["rpotcNo"], fixmedinsCode=data["fixmedinsCode"], examTest=data["examTest"]
        )
        if not report:  # the same answer whether the report is missing or belongs to someone else
            raise ApplicationError(NOT_FOUND)
        if report.examTest == ExamTest.CHECK:
            return {"checkReportDetails": report}
        return {"inspectionReportInformation": report, "inspectionDetails": list(report.details.all())}
