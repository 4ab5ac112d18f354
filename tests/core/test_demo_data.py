"""`manage.py demo_data`: the people of CONTRACT.md section 3, and a second run changes nothing."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.core.demo import DEMO_PASSWORD
from apps.core.roles import ROLE_LABELS
from apps.patients.models import SignStatus
from apps.patients.selectors import patient_get_by_certno

pytestmark = pytest.mark.django_db

CONTRACT_PATIENTS = [
    ("张伟", "220102198805060015", "310", SignStatus.SIGNED),
    ("王芳", "220104199203150029", "390", SignStatus.UNSIGNED),
    ("李娜", "220203197508200031", "310", SignStatus.SIGNED),
]


def every_table_count() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run_demo_data() -> str:
    from io import StringIO

    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_second_run_changes_nothing():
    assert "demo data ready" in run_demo_data()
    first = every_table_count()
    assert first["auth.User"] == len(ROLE_LABELS) + 1
    snapshot = {model: list(model._default_manager.order_by("pk").values()) for model in apps.get_models()}
    assert run_demo_data().strip() == "demo data ready (0 new records)"
    assert every_table_count() == first
    for model, rows in snapshot.items():
        assert list(model._default_manager.order_by("pk").values()) == rows, model._meta.label


def test_the_contract_patients_and_users(demo):
    for name, certno, insutype, sign_status in CONTRACT_PATIENTS:
        patient = patient_get_by_certno(certno)
        assert patient is not None, name
        assert (patient.name, patient.insutype, patient.sign_status, patient.mdtrt_cert_type) == (
            name,
            insutype,
            sign_status,
            "02",
        )
    User = get_user_model()
    for role in ROLE_LABELS:
        user = User.objects.get(username=role)
        assert user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_refuses_when_the_sandbox_is_off(settings):
    from django.core.management.base import CommandError

    settings.SANDBOX_ENABLED = False
    with pytest.raises(CommandError, match="refuses to run while SANDBOX_ENABLED is false"):
        run_demo_data()
    assert not get_user_model().objects.exists()
