"""The whole of guide section 1 in a real browser (Debian's chromium through Playwright) against the sandbox."""

import re

import pytest

from apps.guidance.services import messages_deliver_due
from apps.outpatient.models import OrderState, RegistrationOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register(page, base, name, certno):
    page.goto(f"{base}/r/")
    page.select_option("select[name=dept]", "NK01")
    page.wait_for_selector("input[name=schedule]")
    page.locator("input[name=schedule]").first.check()
    page.fill("input[name=name]", name)
    page.fill("input[name=certno]", certno)
    page.get_by_role("button", name="提交挂号").click()


def pay_at_cashier(page):
    page.wait_for_url(re.compile(r"/sandbox/paylater/cashier/"))
    page.get_by_role("button", name=re.compile("确认支付")).click()


def assert_paid_page(page, base):
    page.wait_for_url(re.compile(rf"{re.escape(base)}/r/[^/]+/$"))
    assert "access_code" not in page.url
    assert page.locator("#result-paid").inner_text().startswith("支付成功")


def test_unsigned_patient_signs_pays_and_gets_both_messages(page, sandbox, demo):
    base = sandbox.url
    register(page, base, "王芳", "220104199203150029")
    page.wait_for_url(re.compile(r"/sandbox/paylater/sign/"))
    page.get_by_role("button", name=re.compile("同意并签约")).click()
    pay_at_cashier(page)
    assert_paid_page(page, base)

    order = RegistrationOrder.objects.get(patient__name="王芳")
    assert order.state == OrderState.PAID and order.bill.settlement is not None
    assert order.bill.settlement.amount == order.fee

    assert messages_deliver_due() == 2
    page.goto(f"{base}/sandbox/paylater/phone/")
    wang = page.locator("select[name=person] option", has_text="王").first.get_attribute("value")
    page.select_option("select[name=person]", wang)
    page.get_by_role("button", name="切换").click()
    notices = page.locator("main").inner_text()
    assert "挂号" in notices and "已支付" in notices, notices
    assert_nowhere_in_the_database("220104199203150029")


def assert_nowhere_in_the_database(certno):
    """After a whole flow, no table (exchange log, outbox, sessions, history, sandbox) holds the number in clear."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert certno not in " ".join(map(str, row)), f"{table} holds the 身份证号 in clear: {row}"


@pytest.mark.parametrize("codec", ["json", "sm"])
def test_signed_patient_goes_straight_to_the_cashier(page, sandbox, demo, settings, codec):
    settings.PAYLATER_CODEC = codec
    base = sandbox.url
    register(page, base, "张伟", "220102198805060015")
    pay_at_cashier(page)
    assert_paid_page(page, base)
    assert RegistrationOrder.objects.get(patient__name="张伟").state == OrderState.PAID
    # Both directions spoke the configured codec: the portal's calls out and the platform's calls in.
    from apps.integrations.models import Exchange

    callback = Exchange.objects.get(direction="in", interface="org_003", outcome="ok")
    assert ('"encData"' in callback.raw_body) == (codec == "sm")
    outbound = Exchange.objects.filter(direction="out", party="paylater", interface="cashier_link")
    assert outbound.exists() and all(e.outcome == "ok" for e in outbound)


def test_a_hand_made_return_url_never_shows_paid(page, sandbox, demo):
    base = sandbox.url
    register(page, base, "张伟", "220102198805060015")
    page.wait_for_url(re.compile(r"/sandbox/paylater/cashier/"))
    order = RegistrationOrder.objects.get()
    page.goto(f"{base}/r/{order.token}/return?status=1&access_code=anything")
    page.wait_for_url(f"{base}/r/{order.token}/")
    assert page.locator("#result-paid").count() == 0
    order.refresh_from_db()
    assert order.state == OrderState.AWAITING_PAYMENT
