"""The patient in front of the cashier: the medium read (kept encrypted in the session, since a 医保码's ecToken
is needed again by 2206/2207 and is never stored in the database), the schemes 1101 returned and the signing state."""

import json
from dataclasses import dataclass

from apps.core import pii
from apps.ledger.gateway import Medium
from apps.patients.models import Patient
from apps.patients.services import MediumReading
from apps.window.services import SignState

KEY = "window_desk"


@dataclass(frozen=True)
class Desk:
    patient: Patient
    medium: Medium
    insurances: list  # [(insutype, balance as text)]
    signed: bool | None
    sign_url: str


def desk_keep(session, reading: MediumReading, state: SignState) -> None:
    data = {
        "patient": reading.patient.pk,
        "medium": [reading.mdtrt_cert_type, reading.mdtrt_cert_no, reading.card_sn],
        "insurances": [[item.insutype, str(item.balc)] for item in reading.person.insuinfo],
        "signed": state.signed,
        "sign_url": state.sign_url,
    }
    session[KEY] = pii.encrypt(json.dumps(data, ensure_ascii=False))


def desk_sign_update(session, state: SignState) -> None:
    data = json.loads(pii.decrypt(session[KEY]))
    data |= {"signed": state.signed, "sign_url": state.sign_url}
    session[KEY] = pii.encrypt(json.dumps(data, ensure_ascii=False))


def desk_get(session) -> Desk | None:
    stored = session.get(KEY)
    if not stored:
        return None
    data = json.loads(pii.decrypt(stored))
    patient = Patient.objects.filter(pk=data["patient"]).first()
    if patient is None:
        return None
    return Desk(
        patient=patient,
        medium=Medium(mdtrt_cert_type=data["medium"][0], mdtrt_cert_no=data["medium"][1], card_sn=data["medium"][2]),
        insurances=data["insurances"],
        signed=data["signed"],
        sign_url=data["sign_url"],
    )


def desk_clear(session) -> None:
    session.pop(KEY, None)
