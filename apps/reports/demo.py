"""Each demo patient has a published lab report with several items and a published exam report (CONTRACT.md 3)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.core.demo import DEMO_PATIENTS
from apps.patients.selectors import patient_get_by_certno
from apps.reports.models import ExamTest, InspectionDetail, Report, ReportState

BLOOD_ROUTINE = [
    ("WBC", "白细胞计数", "4.0-10.0", "10^9/L", Decimal("6.2"), ""),
    ("RBC", "红细胞计数", "4.3-5.8", "10^12/L", Decimal("4.9"), ""),
    ("HGB", "血红蛋白", "130-175", "g/L", Decimal("126"), "L"),
    ("PLT", "血小板计数", "125-350", "10^9/L", Decimal("233"), ""),
]


def demo_reports() -> int:
    created = 0
    day = timezone.localdate() - datetime.timedelta(days=1)
    for index, person in enumerate(DEMO_PATIENTS, start=1):
        patient = patient_get_by_certno(person["certno"])
        lab, new = Report.objects.get_or_create(
            rpotcNo=f"JY{day:%Y%m%d}{index:04d}",
            defaults={
                "patient": patient, "rptDate": day, "examTest": ExamTest.LAB, "rpotcTypeCode": "2",
                "examRpotcName": "血常规", "examOrgNode": "JYK", "examOrgName": "检验科", "examItemCode": "XCG",
                "examItemName": "血常规五分类", "examRsltAbn": "异常", "rpotDoc": "检验科 王磊",
                "state": ReportState.PUBLISHED, "published_at": timezone.now(),
            },
        )  # fmt: skip
        if new:
            created += 1
            InspectionDetail.objects.bulk_create(
                InspectionDetail(
                    report=lab,
                    examItemDetlCode=code,
                    examItemDetlName=name,
                    examMtd="仪器法",
                    refVal=ref,
                    examUnt=unit,
                    examRsltVal=value,
                    examRsltAbn=abn,
                )  # fmt: skip
                for code, name, ref, unit, value, abn in BLOOD_ROUTINE
            )
        created += Report.objects.get_or_create(
            rpotcNo=f"JC{day:%Y%m%d}{index:04d}",
            defaults={
                "patient": patient, "rptDate": day, "examTest": ExamTest.CHECK, "rpotcTypeCode": "99",
                "examRpotcName": "胸部正位片", "examOrgNode": "FSK", "examOrgName": "放射科", "examItemCode": "XP01",
                "examItemName": "胸部X线摄影", "examRsltPoitFlag": "-",
                "examCcls": "双肺纹理清晰，心影不大，未见明显异常。",
                "bilgDrName": "放射科 刘洋", "state": ReportState.PUBLISHED, "published_at": timezone.now(),
            },
        )[1]  # fmt: skip
    return created
