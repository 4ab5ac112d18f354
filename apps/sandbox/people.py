import datetime
import hashlib
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import pii
from apps.core.demo import DEMO_PATIENTS
from apps.sandbox.models import Person

# The register stands in for the nation's: it "knows" anyone with a well-formed 身份证号 and a name a person could
# have (Chinese characters, with · for transliterated names), and no one whose name is markup or Latin letters.
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,14}$")

# The sandbox's demo balances: the employee scheme (310) has a personal account, the resident scheme (390) none.
_BALANCE = {"310": Decimal("800.00"), "390": Decimal("0.00")}


def ensure_demo_people() -> None:
    """The people of CONTRACT.md section 3, with the same signing state as the portal's demo data. Many first
    calls may arrive at once (twenty bookings on a fresh database): whoever creates a person first wins."""
    if Person.objects.filter(psn_no=DEMO_PATIENTS[-1]["psn_no"]).exists():
        return
    for p in DEMO_PATIENTS:
        if Person.objects.filter(psn_no=p["psn_no"]).exists():
            continue
        try:
            with transaction.atomic():
                _create_demo_person(p)
        except IntegrityError:
            pass


def _create_demo_person(p: dict) -> None:
    Person.objects.create(
        name=p["name"],
        certno=p["certno"],
        psn_no=p["psn_no"],
        insutype=p["insutype"],
        insuplc_admdvs=p["insuplc_admdvs"],
        acct_balance=_BALANCE[p["insutype"]],
        signed=p["signed"],
        phone=p["phone"],
    )


def person_by_certno(certno: str, *, name: str | None = None, create: bool = True) -> Person | None:
    """Find a person; an unknown but well-formed 身份证号 with a plausible name becomes a new resident-scheme (390),
    unsigned person, so that any identity typed into the portal during a demo is insured somewhere."""
    ensure_demo_people()
    person = Person.objects.filter(certno_hash=pii.keyed_hash(certno)).first()
    if person is None and create and name and _PERSON_NAME.match(name):
        digits = "".join(ch for ch in certno if ch.isdigit())
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    name=name,
                    certno=certno,
                    psn_no=("22" + digits)[:20].ljust(20, "0"),
                    insutype="390",
                    insuplc_admdvs=certno[:6],
                    signed=False,
                )
        except IntegrityError:  # the same new person asked for twice at once
            person = Person.objects.filter(certno_hash=pii.keyed_hash(certno)).first()
    return person


# The other two media (mdtrt_cert_type 01 医保码, 03 社保卡) are derived from psn_no, so nothing is stored: the card
# never changes, and the 医保码's ecToken changes every day as the real one expires.
def card_no(person: Person) -> str:
    return "J" + hashlib.sha256(f"card:{person.psn_no}".encode()).hexdigest()[:8].upper()


def card_sn(person: Person) -> str:
    return hashlib.sha256(f"card_sn:{person.psn_no}".encode()).hexdigest()[:32].upper()


def ec_token(person: Person, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    return person.insuplc_admdvs + hashlib.sha256(f"ec:{person.psn_no}:{day:%Y%m%d}".encode()).hexdigest()[:26]


def person_by_medium(mdtrt_cert_type: str, mdtrt_cert_no: str, card_serial: str = "") -> Person | None:
    """Who a scanned 医保码 (01) or a social-security card (03, with its 卡识别码) belongs to."""
    ensure_demo_people()
    for person in Person.objects.only("pk", "psn_no", "insuplc_admdvs"):
        if mdtrt_cert_type == "01" and ec_token(person) == mdtrt_cert_no:
            return Person.objects.get(pk=person.pk)
        if mdtrt_cert_type == "03" and card_no(person) == mdtrt_cert_no and card_sn(person) == card_serial:
            return Person.objects.get(pk=person.pk)
    return None
