"""`make bench-lists`: the staff lists over a million rows each, on PostgreSQL.

Fills the registrations, the ledger (movements and their events), the exchange log and the outbox with
`BENCH_ROWS` (default 1,000,000) generated rows each, spread over the last 365 days (COPY; only rows not there
yet), then asks every list page the staff use `BENCH_ASKS` times as the role that uses it, and prints per page the
queries it took and the p50 / p95 of its server time (Django's test client, in process: the request, the queries
and the template, without the network). Needs DATABASE_URL=postgres://… of a database of its own; asserts nothing.
"""

import datetime
import gc
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS, ASKS, DAYS = int(os.environ.get("BENCH_ROWS", "1000000")), int(os.environ.get("BENCH_ASKS", "40")), 365


def setup():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("make bench-lists needs DATABASE_URL=postgres://...")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.update(DEBUG="true", SANDBOX_ENABLED="true", LOG_LEVEL="WARNING", ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("demo_data", verbosity=0)


def copy(model, numbers: range, row_of) -> None:
    """Rows `numbers` of `model` by COPY: each field's default, overridden by what `row_of(i)` gives."""
    from django.db import connection

    from apps.core.fields import EncryptedTextField

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    encrypted = {f.attname: f for f in fields if isinstance(f, EncryptedTextField)}

    def cell(name, value):
        if name in encrypted:
            return encrypted[name].get_db_prep_save(value, connection)
        return json.dumps(value) if isinstance(value, dict | list) else value

    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as out,
    ):
        for i in numbers:
            row = defaults | row_of(i)
            out.write_row([cell(f.attname, row[f.attname]) for f in fields])


def moment(i: int, now: datetime.datetime) -> datetime.datetime:
    """Row i's time: the rows spread evenly over the last DAYS days, the newest now."""
    return now - datetime.timedelta(seconds=(ROWS - 1 - i) * DAYS * 86_400 // ROWS)


def fill() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.guidance.models import DeliveryState, OutboxMessage, PushType
    from apps.integrations.models import Direction, Exchange, Outcome, Party
    from apps.ledger.models import Channel, Kind, MoneyMovement, MovementEvent, Status
    from apps.outpatient.models import Doctor, OrderState, Period, RegistrationOrder, Schedule
    from apps.patients.models import Patient

    now = timezone.now()
    patients = list(Patient.objects.values_list("pk", flat=True))
    interfaces = ["org_001", "org_002", "org_003", "org_004", "1101", "2201", "2204", "2207", "AMP_HOS_001"]
    with transaction.atomic():
        if (have := Exchange.objects.count()) < ROWS:
            copy(Exchange, range(have, ROWS), lambda i: {
                "direction": Direction.IN if i % 2 else Direction.OUT, "party": Party.PAYLATER if i % 3 else Party.NHSA,
                "interface": interfaces[i % len(interfaces)], "msgid": f"B{i:020d}", "request_body": {"n": i},
                "response_body": {"ret_code": "00"}, "http_status": 200, "duration_ms": 20 + i % 50,
                "outcome": Outcome.OK, "created_at": moment(i, now),
            })  # fmt: skip
        if (have := MoneyMovement.objects.count()) < ROWS:
            first = (MoneyMovement.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            copy(MoneyMovement, range(have, ROWS), lambda i: {
                "kind": Kind.REFUND if i % 50 == 49 else Kind.OUTPATIENT_SETTLEMENT, "channel": Channel.PAYLATER_ONLINE,
                "patient_id": patients[i % len(patients)], "org_trace_no": f"BENCH{i:015d}",
                "amount": f"{'-' if i % 50 == 49 else ''}{10 + i % 300}.50", "setlinfo": {},
                "occurred_at": moment(i, now), "created_at": moment(i, now),
            })  # fmt: skip
            # Each movement's one event, in id order (the ids COPY gave are consecutive from `first`).
            ids = list(MoneyMovement.objects.filter(id__gte=first).order_by("id").values_list("id", "created_at"))
            copy(MovementEvent, range(len(ids)), lambda i: {
                "movement_id": ids[i][0], "status": Status.SUCCEEDED, "created_at": ids[i][1],
            })  # fmt: skip
        if (have := RegistrationOrder.objects.count()) < ROWS:
            doctors = list(Doctor.objects.values_list("pk", flat=True))
            today = timezone.localdate()
            Schedule.objects.bulk_create(
                [
                    Schedule(
                        doctor_id=d,
                        date=today - datetime.timedelta(days=back),
                        period=period,
                        start_time=datetime.time(8 if period == Period.AM else 14),
                        capacity=999,
                        fee="15.00",
                    )
                    for back in range(1, DAYS + 1)
                    for d in doctors
                    for period in (Period.AM, Period.PM)
                ],  # fmt: skip
                ignore_conflicts=True,
            )
            schedules = {
                (s.date, s.doctor_id, s.period): s.pk
                for s in Schedule.objects.filter(date__gte=today - datetime.timedelta(days=DAYS))
            }
            keys = sorted(schedules)

            def order(i):
                when = moment(i, now)
                key = keys[i * len(keys) // ROWS]
                return {
                    "trace_no": f"REGB{i:016d}", "token": uuid.uuid4().hex, "patient_id": patients[i % len(patients)],
                    "schedule_id": schedules[key], "fee": "15.00", "queue_no": 1 + i % 999, "state": OrderState.PAID,
                    "expires_at": when, "paid_at": when, "created_at": when, "updated_at": when,
                }  # fmt: skip

            copy(RegistrationOrder, range(have, ROWS), order)
        if (have := OutboxMessage.objects.count()) < ROWS:
            copy(OutboxMessage, range(have, ROWS), lambda i: {
                "med_org_ord": f"MSGB{i:016d}", "push_type": PushType.values[i % len(PushType.values)],
                "body": json.dumps({"n": i}), "state": DeliveryState.DELIVERED if i % 5000 else DeliveryState.PENDING,
                "attempts": 1, "next_attempt_at": moment(i, now), "delivered_at": moment(i, now),
                "created_at": moment(i, now),
            })  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


PAGES = [
    ("cashier", "今日线上挂号", "/outpatient/registrations/"),
    ("cashier", "线上挂号（一年前某日）", "/outpatient/registrations/?date={year_ago}"),
    ("cashier", "线上挂号 第2页", "/outpatient/registrations/?date={year_ago}&page=2"),
    ("finance", "资金流水（今日）", "/ledger/"),
    ("finance", "资金流水（一个月）", "/ledger/?start={month_ago}&end={today}"),
    ("finance", "资金流水（一个月，第20页）", "/ledger/?start={month_ago}&end={today}&page=20"),
    ("cashier", "待发送消息", "/guidance/outbox/"),
    ("finance", "后台·交互日志（今日）", "/admin/integrations/exchange/"),
    ("finance", "后台·交互日志（某接口，一周）", "/admin/integrations/exchange/?interface=org_003"
     "&created_at__date__gte={week_ago}&created_at__date__lte={today}"),
    ("finance", "后台·交互日志（按订单号搜索）", "/admin/integrations/exchange/?q=B00000000000000123456"),
    ("finance", "后台·资金记录（今日）", "/admin/ledger/moneymovement/"),
    ("finance", "后台·资金记录（按订单号搜索）", "/admin/ledger/moneymovement/?q=BENCH000000000123456"),
    ("finance", "后台·挂号订单（今日就诊）", "/admin/outpatient/registrationorder/"),
    ("finance", "后台·挂号订单（一年前某日就诊）", "/admin/outpatient/registrationorder/?schedule__date__gte={year_ago}"
     "&schedule__date__lte={year_ago}"),
    ("finance", "后台·消息（今日）", "/admin/guidance/outboxmessage/"),
    ("finance", "后台·交互日志（全部日期）", "/admin/integrations/exchange/?created_at__date__gte="
     "&created_at__date__lte="),
    ("finance", "资金流水（全部日期）", "/ledger/?start=&end="),
    ("finance", "后台·资金记录（全部日期）", "/admin/ledger/moneymovement/?created_at__date__gte="
     "&created_at__date__lte="),
    ("finance", "后台·挂号订单（全部日期）", "/admin/outpatient/registrationorder/?schedule__date__gte="
     "&schedule__date__lte="),
]  # fmt: skip


def measure() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.core.demo import DEMO_PASSWORD

    today = timezone.localdate()
    dates = {
        "today": today,
        "week_ago": today - datetime.timedelta(days=7),
        "month_ago": today - datetime.timedelta(days=30),
        "year_ago": today - datetime.timedelta(days=300),
    }
    clients = {}
    print(f"{ROWS} rows each in registrations, ledger (and events), exchange log, outbox; {ASKS} asks per page")
    # The first ask of each page is shown apart: it warms the caches and, for a total over all dates, stores the
    # days closed since the last one (apps.core.daytotals; here a year of them at once).
    print(f"{'page':40} {'first ms':>8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for role, name, url in PAGES:
        if role not in clients:
            clients[role] = Client()
            assert clients[role].login(username=role, password=DEMO_PASSWORD)
        client, url = clients[role], url.format(**dates)
        started = time.perf_counter()
        client.get(url)
        first = (time.perf_counter() - started) * 1000
        took, queries = [], 0
        for _ in range(ASKS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                took.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            queries = max(queries, len(captured))
        p95 = statistics.quantiles(took, n=20)[18]
        print(f"{name:40} {first:8.1f} {queries:7d} {statistics.median(took):8.1f} {p95:8.1f}")


if __name__ == "__main__":
    setup()
    started = time.monotonic()
    fill()
    print(f"(rows ready in {time.monotonic() - started:.0f} s)")
    gc.freeze()  # as portal/wsgi.py does in a server's worker once Django is loaded
    measure()
