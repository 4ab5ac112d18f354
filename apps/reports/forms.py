from django import forms
from django.forms import inlineformset_factory

from apps.core.idcard import IdCardError, normalize_idcard
from apps.patients.selectors import patient_get_by_certno
from apps.reports.models import InspectionDetail, Report


class ReportForm(forms.ModelForm):
    """One report entered at the desk; the patient is named by 身份证号 and name, as on the import file."""

    certno = forms.CharField(label="患者身份证号", max_length=18)
    userName = forms.CharField(label="患者姓名", max_length=30)

    class Meta:
        model = Report
        fields = [
            "rpotcNo", "rptDate", "examTest", "rpotcTypeCode", "examRpotcName", "examOrgNode", "examOrgName",
            "examItemCode", "examItemName", "examRsltPoitFlag", "examRsltAbn", "examCcls", "bilgDrName", "rpotDoc",
        ]  # fmt: skip
        widgets = {"rptDate": forms.DateInput(attrs={"type": "date"}), "examCcls": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        try:
            certno = normalize_idcard(data.get("certno", ""))
        except IdCardError as exc:
            self.add_error("certno", str(exc))
            return data
        patient = patient_get_by_certno(certno)
        if patient is None:
            self.add_error("certno", "本院没有该患者")
        elif patient.name != data.get("userName", "").strip():
            self.add_error("userName", "姓名与身份证号不一致")
        else:
            self.instance.patient = patient
        return data


DetailFormSet = inlineformset_factory(
    Report,
    InspectionDetail,
    fields=[
        "examItemDetlCode",
        "examItemDetlName",
        "examRsltVal",
        "examRsltQual",
        "examUnt",
        "refVal",
        "examRsltAbn",
        "examMtd",
    ],  # fmt: skip
    extra=5,
    can_delete=False,
)
