"""Demo departments, doctors and a week of schedules (CONTRACT.md section 3)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.outpatient.models import Department, Doctor, Period, Schedule

DEPARTMENTS = [
    ("NK01", "心血管内科", "A03", "门诊楼二层东区"),
    ("WK01", "普通外科", "A04", "门诊楼三层西区"),
    ("EK01", "儿科", "A07", "门诊楼一层南区"),
]
DOCTORS = [
    ("D1001", "赵明", "NK01", "主任医师", "231"),
    ("D1002", "钱丽", "NK01", "主治医师", "233"),
    ("D2001", "孙强", "WK01", "副主任医师", "232"),
    ("D3001", "周静", "EK01", "主治医师", "233"),
]
FEE_BY_LEVEL = {"231": Decimal("50.00"), "232": Decimal("30.00"), "233": Decimal("15.00")}
SESSIONS = [(Period.AM, datetime.time(8, 0)), (Period.PM, datetime.time(13, 30))]


def demo_clinic() -> int:
    created = 0
    for code, name, caty, location in DEPARTMENTS:
        created += Department.objects.get_or_create(
            code=code, defaults={"name": name, "caty": caty, "location": location}
        )[1]
    for code, name, dept, level_name, level_no in DOCTORS:
        created += Doctor.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "department": Department.objects.get(code=dept),
                "level_name": level_name,
                "level_no": level_no,
            },
        )[1]
    # The demo "doctor" account is 赵明: his screens show 心血管内科.
    account = get_user_model().objects.filter(username="doctor", doctor__isnull=True).first()
    if account is not None:
        created += Doctor.objects.filter(code="D1001", user__isnull=True).update(user=account)
    today = timezone.localdate()
    for doctor in Doctor.objects.all():
        for offset in range(7):
            for period, start in SESSIONS:
                created += Schedule.objects.get_or_create(
                    doctor=doctor,
                    date=today + datetime.timedelta(days=offset),
                    period=period,
                    defaults={"start_time": start, "capacity": 20, "fee": FEE_BY_LEVEL[doctor.level_no]},
                )[1]
    return created
