import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.core.demo import DEMO_PASSWORD, DEMO_PATIENTS
from apps.core.roles import ROLE_LABELS, sync_role_permissions
from apps.outpatient.models import Department, Doctor, Period, Schedule
from apps.patients.models import SignStatus
from apps.patients.selectors import patient_get_by_certno
from apps.patients.services import patient_get_or_create

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


class Command(BaseCommand):
    help = "Creates the demo users, departments, doctors, schedules and patients (CONTRACT.md section 3)."

    def handle(self, *args, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("demo_data refuses to run while SANDBOX_ENABLED is false (this looks like production).")
        with transaction.atomic():
            created = self._users() + self._clinic() + self._patients()
        self.stdout.write(f"demo data ready ({created} new records)")

    def _users(self) -> int:
        sync_role_permissions()
        User = get_user_model()
        created = 0
        for role in ROLE_LABELS:
            user, new = User.objects.get_or_create(username=role, defaults={"is_staff": role == "finance"})
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=role))
                created += 1
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "", DEMO_PASSWORD)
            created += 1
        return created

    def _clinic(self) -> int:
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

    def _patients(self) -> int:
        created = 0
        for p in DEMO_PATIENTS:
            if patient_get_by_certno(p["certno"]):
                continue
            patient_get_or_create(
                name=p["name"],
                certno=p["certno"],
                phone=p["phone"],
                psn_no=p["psn_no"],
                insutype=p["insutype"],
                insuplc_admdvs=p["insuplc_admdvs"],
                sign_status=SignStatus.SIGNED if p["signed"] else SignStatus.UNSIGNED,
            )
            created += 1
        return created
