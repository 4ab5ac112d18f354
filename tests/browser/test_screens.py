"""Every staff and patient page, in every role, at a 1366 px desktop and a 390 px phone, with an English browser:
no horizontal overflow, no English word in the chrome (data such as order numbers excepted), no console error."""

import re

import pytest

from apps.core.demo import DEMO_PASSWORD
from apps.core.roles import ROLE_LABELS
from tests.outpatient.conftest import settlement_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)

# Text the page shows to everyone, outside the data cells, the numbers in .mono and the support details.
CHROME_TEXT = """() => {
  const skip = el => el.closest(
    'td, #result_list tbody th, .mono, details.support, script, style, svg, noscript, textarea, code');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el) || !node.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('input[placeholder], button[title], [aria-label]')) {
    if (skip(el)) continue;
    out.push(el.getAttribute('placeholder') || el.getAttribute('title') || el.getAttribute('aria-label'));
  }
  return out;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
ENGLISH = re.compile(r"[A-Za-z]{2,}")
# Names Chinese staff use as they are: file formats, and "ID" as in 报文ID.
ALLOWED = {"CSV", "Excel", "ID"}


@pytest.fixture
def orders(platform, new_order):
    """A paid registration (its settlement, messages waiting to be sent) and one waiting for a signature."""
    paid = new_order()
    assert platform("org_003", settlement_payload(paid))[1]["ret_code"] == "00"
    waiting = new_order(name="王芳", certno="220104199203150029", state="awaiting_signature")
    return paid, waiting


def log_in(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.close()


def staff_pages(context, base, role, orders) -> list[str]:
    """The role's home, every screen in its navigation and tiles, an order's page, and for finance the admin's
    lists: found by following the links, so a screen an app adds is visited without editing this test."""
    home = "/" if role == "admin" else f"/role/{role}/"
    page = context.new_page()
    page.goto(base + home)
    links = page.eval_on_selector_all(".staffnav a, .tiles a", "els => els.map(a => a.getAttribute('href'))")
    urls = [home, *dict.fromkeys(links)]
    if "/outpatient/registrations/" in urls:
        urls.append(f"/outpatient/registrations/{orders[0].pk}/")
        urls.append(f"/outpatient/registrations/?date={orders[0].schedule.date.isoformat()}")
    if role == "finance":  # the admin as finance sees it: the lists it may view
        page.goto(f"{base}/admin/")
        admin = page.eval_on_selector_all("#content-main a", "els => els.map(a => a.getAttribute('href'))")
        urls += ["/admin/", *(url for url in dict.fromkeys(admin) if url.endswith("/") and "/add/" not in url)]
    page.close()
    return list(dict.fromkeys(urls))


def check(context, url: str, width: int, problems: list[str], status: int = 200) -> None:
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    page.wait_for_load_state("load")
    where = f"{width}px {url.split('//', 1)[-1].split('/', 1)[-1]}"
    if response is None or response.status != status:
        problems.append(f"{where}: HTTP {response.status if response else '—'}")
    if status != 200:  # the page's own status is not a script error
        errors = [e for e in errors if f"status of {status}" not in e]
    if (overflow := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"{where}: {overflow}px wider than the screen")
    english = sorted({m for text in page.evaluate(CHROME_TEXT) for m in ENGLISH.findall(text)} - ALLOWED)
    if english:
        problems.append(f"{where}: English in the chrome: {english}")
    if errors:
        problems.append(f"{where}: console errors: {errors}")
    page.close()


def test_every_page_fits_speaks_chinese_and_logs_no_error(browser, sandbox, demo, orders):
    base = sandbox.url
    paid, waiting = orders
    problems: list[str] = []
    visited = 0
    patient = browser.new_context(locale="en-US")
    patient_pages = ["/r/", "/r/?dept=NK01", f"/r/{paid.token}/", f"/r/{waiting.token}/", "/patients/signed/",
                     "/accounts/login/"]  # fmt: skip
    for width in WIDTHS:
        for url in patient_pages:
            check(patient, base + url, width, problems)
            visited += 1
        check(patient, f"{base}/no-such-page/", width, problems, status=404)
        check(patient, f"{base}/r/{waiting.token}/go", width, problems, status=405)
    patient.close()
    for role in [*ROLE_LABELS, "admin"]:
        context = browser.new_context(locale="en-US")
        log_in(context, base, role)
        urls = staff_pages(context, base, role, orders)
        assert len(urls) >= 2, f"{role} sees no screens"
        for width in WIDTHS:
            for url in urls:
                check(context, base + url, width, problems)
                visited += 1
        context.close()
    assert not problems, "\n".join(problems)
    assert visited > 60
