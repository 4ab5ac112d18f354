"""Queueing work for the worker. If the queue cannot be reached, the 15-minute sweep (tasks.fetch_due_task) picks
up received files anyway."""

import datetime
import logging

log = logging.getLogger(__name__)


def _queue(func: str, *args) -> None:
    from django_q.tasks import async_task

    try:
        async_task(func, *args)
    except Exception:  # noqa: BLE001 — the sweep imports received files; a fetch can be asked again
        log.warning("could not queue %s%s", func, args)


def import_later(file_id: int) -> None:
    _queue("apps.reconciliation.tasks.import_stored_task", file_id)


def fetch_later(day: datetime.date) -> None:
    _queue("apps.reconciliation.tasks.fetch_task", day.isoformat())
