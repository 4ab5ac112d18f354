import pytest
from django.test.utils import modify_settings

from tests.spine.apps import EVENTS


@pytest.fixture
def records_app():
    """Install the test-only app (its AppConfig registers the kind), and take it away afterwards."""
    from apps.ledger.kinds import bill_kinds
    from tests.spine.apps import KEY

    EVENTS.clear()
    with modify_settings(INSTALLED_APPS={"append": "tests.spine"}):
        assert bill_kinds.get(KEY) is not None
        yield EVENTS
    bill_kinds.unregister(KEY)


@pytest.fixture
def records_bill(records_app, demo):
    """An open records-copy bill of 张伟 (10.00)."""
    from apps.ledger.services import Visit, bill_open
    from apps.patients.selectors import patient_get_by_certno
    from tests.spine.apps import KEY, records_copy_line

    patient = patient_get_by_certno("220102198805060015")

    def make(trace_no="BLFY202611300001"):
        return bill_open(
            kind=KEY,
            patient=patient,
            owner=patient,
            org_trace_no=trace_no,
            lines=[records_copy_line()],
            visit=Visit(med_type="11", dept_code="BAS", dept_name="病案室"),
        )

    return make
