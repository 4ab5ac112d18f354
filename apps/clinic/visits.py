"""The doctor's queue: every kind of visit a doctor sees in the clinic, read in this one place.

A visit source adapts one kind of registration to what the clinic needs: who, with which doctor, the queue
number, and the visit at the gateway (mdtrt_id). Registrations made online, through the platform, at the window
and at a kiosk are all RegistrationOrders, told apart by their source.
"""

import datetime
from dataclasses import dataclass

from apps.outpatient.models import OrderState, RegistrationOrder


@dataclass(frozen=True)
class ClinicVisit:
    source: str
    pk: int
    row: object  # the registration the prescription belongs to
    patient: object
    doctor: object
    queue_no: int
    period: str  # 上午 / 下午
    registered_at: datetime.datetime
    source_label: str

    @property
    def sort_key(self):
        return (self.period != "上午", self.queue_no, self.registered_at)


class OnlineRegistrations:
    key = "online"
    model = RegistrationOrder

    def _rows(self):
        return RegistrationOrder.objects.select_related("patient", "schedule__doctor__department").filter(
            state=OrderState.PAID
        )

    def _visit(self, order: RegistrationOrder) -> ClinicVisit:
        return ClinicVisit(
            source=self.key,
            pk=order.pk,
            row=order,
            patient=order.patient,
            doctor=order.schedule.doctor,
            queue_no=order.queue_no,
            period=order.schedule.get_period_display(),
            registered_at=order.created_at,
            source_label=order.get_source_display(),
        )

    def on(self, *, doctor, day: datetime.date) -> list[ClinicVisit]:
        return [self._visit(o) for o in self._rows().filter(schedule__doctor=doctor, schedule__date=day)]

    def get(self, pk: int) -> ClinicVisit | None:
        order = self._rows().filter(pk=pk).first()
        return self._visit(order) if order else None

    def lock(self, pk: int) -> None:
        """Within a transaction: serialise writers of this visit's prescription."""
        RegistrationOrder.objects.select_for_update().filter(pk=pk).first()

    def ensure_registered(self, visit: ClinicVisit) -> tuple[str, str]:
        """The visit's (mdtrt_id, ipt_otp_no) at the gateway, registering it (2201) if it was not yet."""
        from apps.outpatient.services.visits import visit_ensure_registered

        order = visit.row
        visit_ensure_registered(order=order)
        return order.mdtrt_id, order.ipt_otp_no


SOURCES = {source.key: source for source in (OnlineRegistrations(),)}


def queue_on(*, doctor, day: datetime.date) -> list[ClinicVisit]:
    """The doctor's own sessions of `day`, every source together, in the order patients are called."""
    visits = [visit for source in SOURCES.values() for visit in source.on(doctor=doctor, day=day)]
    return sorted(visits, key=lambda v: v.sort_key)


def visit_get(source: str, pk: int) -> ClinicVisit | None:
    found = SOURCES.get(source)
    return found.get(pk) if found else None


def visit_of(row) -> ClinicVisit:
    """The visit a prescription belongs to, from its owner row."""
    source = next(source for source in SOURCES.values() if isinstance(row, source.model))
    return source.get(row.pk)
