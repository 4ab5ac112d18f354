from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core.demo import DEMO_PASSWORD, DEMO_STAFF_NAMES
from apps.core.registry import demo_steps
from apps.core.roles import ROLE_LABELS, sync_role_permissions


class Command(BaseCommand):
    help = (
        "Creates the demo users, then runs every app's demo step (apps.core.registry.demo_steps): departments, "
        "doctors, schedules, patients… (CONTRACT.md section 3). Running it again changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("demo_data refuses to run while SANDBOX_ENABLED is false (this looks like production).")
        with transaction.atomic():
            created = self._users() + sum(step.run() for step in demo_steps.ordered())
        self.stdout.write(f"demo data ready ({created} new records)")

    def _users(self) -> int:
        sync_role_permissions()
        User = get_user_model()
        created = 0
        for role in ROLE_LABELS:
            last_name, first_name = DEMO_STAFF_NAMES[role]
            user, new = User.objects.get_or_create(
                username=role,
                defaults={"is_staff": role == "finance", "last_name": last_name, "first_name": first_name},
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=role))
                created += 1
        if not User.objects.filter(username="admin").exists():
            last_name, first_name = DEMO_STAFF_NAMES["admin"]
            User.objects.create_superuser("admin", "", DEMO_PASSWORD, last_name=last_name, first_name=first_name)
            created += 1
        return created
