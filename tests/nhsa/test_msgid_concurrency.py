import threading

import pytest
from django.db import connection

from apps.integrations.nhsa.envelope import new_msgid

THREADS, EACH = 8, 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_msgids_unique_under_concurrent_generation():
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL")
    produced, errors, barrier = [], [], threading.Barrier(THREADS)

    def worker():
        try:
            barrier.wait()
            mine = [new_msgid() for _ in range(EACH)]
            produced.extend(mine)
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(produced) == THREADS * EACH
    assert len(set(produced)) == len(produced)
    assert all(len(msgid) == 30 for msgid in produced)
