"""`make bench`: signed org_001 against the reference view on gunicorn + PostgreSQL, 32 concurrent clients.

Prints requests per second and client-side latency for both, and org_001's server-side time (the exchange
log's duration_ms). Needs DATABASE_URL (PostgreSQL); BENCH_POOL=0 measures without the connection pool.
"""

import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS, CLIENTS, WARMUP = int(os.environ.get("BENCH_REQUESTS", "2000")), 32, 200
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
APP_ID, APP_SECRET = "bench-app-0001", "bench-app-secret-0001"
ZHANG = "220102198805060015"


def environment(*, serving: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        SECRET_KEY="bench-" + "s" * 60,
        PII_KEY="bench-pii-key-" + "k" * 30,
        PAYLATER_APP_ID=APP_ID,
        PAYLATER_APP_SECRET=APP_SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        DATABASE_POOL=os.environ.get("BENCH_POOL", "1"),
    )
    if serving:  # as production runs (no debug bookkeeping); TLS is the proxy's, absent here
        env.update(DEBUG="false", SANDBOX_ENABLED="false", SECURE_SSL_REDIRECT="false")
    else:  # demo_data needs the sandbox
        env.update(DEBUG="true", SANDBOX_ENABLED="true")
    return env


def manage(*args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(serving=False),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def sign(body: bytes) -> dict:
    from apps.core.smcrypto import hmac_signature

    timestamp, nonce = str(int(time.time() * 1000)), secrets.token_hex(12)
    return {
        "Content-Type": "application/json",
        "X-App-Id": APP_ID,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": hmac_signature(APP_SECRET, APP_ID, timestamp, nonce, body),
    }


ORG_001 = json.dumps(
    {"org_code": "H22010200001", "mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "cert_no": ZHANG, "account_type": "1"}
).encode()


KNOWN_PATIENT = f"""
from apps.core.pii import keyed_hash
from apps.patients.models import Patient
from apps.patients.services import INSURANCE_FIELDS
from apps.sandbox.people import person_by_certno
person, patient = person_by_certno("{ZHANG}"), Patient.objects.get(certno_hash=keyed_hash("{ZHANG}"))
for field in INSURANCE_FIELDS:
    setattr(patient, field, getattr(person, field))
patient.save()
"""


def load(path: str, count: int, *, signed: bool) -> tuple[float, list[float]]:
    url, latencies, errors, lock = f"http://127.0.0.1:{PORT}{path}", [], [], threading.Lock()
    todo = iter(range(count))

    def client():
        session = requests.Session()
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            started = time.perf_counter()
            response = session.post(url, data=ORG_001, headers=sign(ORG_001) if signed else {}, timeout=30)
            took = time.perf_counter() - started
            ok = response.status_code == 200 and response.json().get("ret_code") == "00"
            with lock:
                (latencies if ok else errors).append(took if ok else response.text[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{path}: {len(errors)} failed, e.g. {errors[0]}")
    return count / elapsed, latencies


def percentile(values, p):
    return statistics.quantiles(values, n=100)[p - 1]


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment(serving=False))
    import django

    django.setup()
    manage("migrate", "--noinput")
    manage("demo_data")
    # 张伟 as after his first visit: his insurance read (1101) and kept, as the steady state the platform asks about.
    # The serving portal runs without the sandbox, so the reading is taken from the sandbox's record of him here.
    manage("shell", "-c", KNOWN_PATIENT)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{PORT}", "portal.wsgi:application"],
        cwd=ROOT,
        env=environment(serving=True),
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except requests.RequestException:  # not listening yet, or still booting
                time.sleep(0.2)
        from apps.integrations.models import Exchange

        pool = "pool" if environment(serving=True)["DATABASE_POOL"] == "1" else "no pool"
        print(f"gunicorn -w 2, PostgreSQL ({pool}), {CLIENTS} concurrent clients, {REQUESTS} requests each")
        targets = [("reference", "/bench/reference", False), ("org_001", "/api/platform/org_001", True)]
        for _name, path, signed in targets:
            load(path, WARMUP, signed=signed)
        # Rounds taking turns, each ratio from one round's pair: on a shared machine the load of the moment moves
        # both figures of a pair alike, and the median of the rounds' ratios leaves one disturbed round out.
        ratios = []
        for round_no in range(1, ROUNDS + 1):
            results = {}
            for name, path, signed in targets:
                first = Exchange.objects.order_by("-id").values_list("id", flat=True).first() or 0
                rps, latencies = load(path, REQUESTS, signed=signed)
                durations = Exchange.objects.filter(id__gt=first, interface="org_001").values_list("duration_ms")
                results[name] = rps, latencies, [ms for (ms,) in durations]
            for name, (rps, latencies, server_ms) in results.items():
                client_ms = [seconds * 1000 for seconds in latencies]
                line = f"round {round_no}  {name:10} {rps:8.1f} rps   client p50 {percentile(client_ms, 50):6.1f} ms"
                line += f"  p99 {percentile(client_ms, 99):6.1f} ms"
                if server_ms:
                    line += f"   server p50 {statistics.median(server_ms):5.1f} ms"
                    line += f"  p99 {percentile(server_ms, 99):5.1f} ms"
                print(line, flush=True)
            ratios.append(results["org_001"][0] / results["reference"][0])
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("org_001 / reference by round: " + ", ".join(f"{ratio:.0%}" for ratio in ratios))
    print(f"org_001 / reference (median of {ROUNDS} rounds): {statistics.median(ratios):.0%}")


if __name__ == "__main__":
    main()
