"""Two imports of one day at once (PostgreSQL: row locks) end cleanly: one file current, no file left "importing"."""

import datetime
import threading

import pytest
from django.db import connection

from apps.reconciliation import services
from apps.reconciliation.models import CheckFile, Discrepancy, FileState
from tests.reconciliation.files import build, line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")


def at_once(paths) -> list:
    """Import each path in its own thread (own connection), all released together; each one's outcome."""
    results, lock, start = [], threading.Lock(), threading.Barrier(len(paths))

    def run(path):
        try:
            start.wait()
            try:
                outcome = services.check_file_import_path(path=path, bill_date=DAY)[0].pk
            except Exception as exc:  # noqa: BLE001 - the test reports any failure as an outcome
                outcome = exc
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_different_files_of_one_day_at_once_one_replaces_the_other(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(build([line("ORD1", "1.00"), line("ORD2", "2.00")]))
    second.write_bytes(build([line("ORD1", "1.00"), line("ORD3", "3.00")]))
    results = at_once([first, second])
    assert not [r for r in results if isinstance(r, Exception)]
    states = sorted(CheckFile.objects.values_list("state", flat=True))
    assert states == [FileState.CURRENT, FileState.REPLACED]
    current = CheckFile.objects.get(state=FileState.CURRENT)
    assert current.summary["lines"] == 2 and Discrepancy.objects.filter(file=current).count() == 2


def test_the_same_file_twice_at_once_is_imported_once(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(build([line("ORD1", "1.00"), line("ORD2", "2.00")]))
    results = at_once([path, path, path])
    assert not [r for r in results if isinstance(r, Exception)]
    current = CheckFile.objects.get()
    assert current.state == FileState.CURRENT and set(results) == {current.pk}
    assert Discrepancy.objects.filter(file=current).count() == 2
