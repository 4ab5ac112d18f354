from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.idcard import IdCardError, normalize_idcard
from apps.integrations.nhsa import client as nhsa
from apps.integrations.paylater import client as paylater
from apps.integrations.transport import UpstreamError, UpstreamRefused
from apps.patients.models import CertType, Patient, SignStatus
from apps.patients.selectors import patient_get_by_certno


def patient_identify(*, name: str, certno: str, business=None) -> tuple[Patient, int]:
    """The patient with this 身份证号 as the gateway knows them today: one 1101 per visit. Returns the patient and
    the id of the 1101 exchange, for the visit's trail.

    A name typed on a public form is only a claim: the gateway must confirm it before it becomes a patient's name,
    for a new 身份证号 as for a known one. The same answer refreshes psn_no and the insurance scheme, which
    change over time (a new job, a move) and are what the visit is registered and settled under.
    """
    try:
        certno = normalize_idcard(certno)
    except IdCardError as exc:
        raise ApplicationError(str(exc), {"field": "certno"}) from None
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise ApplicationError("请填写姓名（不超过30个字）", {"field": "name"})
    patient = patient_get_by_certno(certno) or Patient(certno=certno, mdtrt_cert_type=CertType.IDCARD)
    try:
        person = _person_info(patient, psn_name=name, business=business)
    except UpstreamRefused as exc:
        raise ApplicationError(
            "医保信息平台未查到该身份证号的参保信息，请核对后重试，或到窗口办理", {"field": "certno"}
        ) from exc
    except UpstreamError as exc:
        raise ApplicationError("暂时无法向医保核实身份，请稍后重试或到窗口办理", {"field": "name"}) from exc
    if person.psn_name != name:
        raise ApplicationError("姓名与身份证号不一致", {"field": "name"})
    patient.name = name
    if not _keep_insurance(patient, person):
        raise ApplicationError("医保信息平台未返回该患者的参保信息，请到窗口办理")
    return patient_save(patient), person.exchange_id


@dataclass(frozen=True, kw_only=True)
class MediumReading:
    """What a medium read at a window, a kiosk or admissions tells: the patient as the gateway knows them today, the
    whole 1101 answer (every scheme with its balance), and the medium itself, which the visit's settlement sends
    again (a 医保码's ecToken is valid for the day only, so it is never stored)."""

    patient: Patient
    person: object  # nhsa.types.PersonInfo
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    card_sn: str
    exchange_id: int


MEDIA = {CertType.EC: "医保码", CertType.IDCARD: "身份证", CertType.SSCARD: "社保卡"}


def patient_read_medium(
    *, mdtrt_cert_type: str, mdtrt_cert_no: str, card_sn: str = "", opter: str = "system", business=None
) -> MediumReading:
    """Read a medium (01 医保码 ecToken, 02 身份证, 03 社保卡 with its 卡识别码) with 1101 and keep the patient."""
    mdtrt_cert_type = str(mdtrt_cert_type or "").strip()
    mdtrt_cert_no = str(mdtrt_cert_no or "").strip()
    card_sn = str(card_sn or "").strip()
    if mdtrt_cert_type not in MEDIA:
        raise ApplicationError("请选择就诊凭证：医保码、身份证或社保卡", {"field": "mdtrt_cert_type"})
    if not mdtrt_cert_no or len(mdtrt_cert_no) > 50:
        raise ApplicationError(f"请刷{MEDIA[mdtrt_cert_type]}或输入其号码（不超过50位）", {"field": "mdtrt_cert_no"})
    if mdtrt_cert_type == CertType.IDCARD:
        try:
            mdtrt_cert_no = normalize_idcard(mdtrt_cert_no)
        except IdCardError as exc:
            raise ApplicationError(str(exc), {"field": "mdtrt_cert_no"}) from None
    if mdtrt_cert_type == CertType.SSCARD and not card_sn:
        raise ApplicationError("社保卡须同时读取卡识别码", {"field": "card_sn"})
    if len(card_sn) > 32:
        raise ApplicationError("卡识别码不超过32位", {"field": "card_sn"})
    try:
        person = nhsa.person_info(
            opter=opter,
            mdtrt_cert_type=mdtrt_cert_type,
            mdtrt_cert_no=mdtrt_cert_no,
            card_sn=card_sn,
            certno=mdtrt_cert_no if mdtrt_cert_type == CertType.IDCARD else "",
            business=business,
        )
    except UpstreamRefused as exc:
        reason = exc.upstream_message or "未查到参保信息"
        raise ApplicationError(
            f"医保信息平台未能读取该{MEDIA[mdtrt_cert_type]}：{reason}", {"field": "mdtrt_cert_no"}
        ) from exc
    except UpstreamError as exc:
        raise ApplicationError("暂时无法向医保读取参保信息，请稍后重试") from exc
    try:
        certno = normalize_idcard(person.certno)
    except IdCardError:
        raise ApplicationError("该凭证对应的证件不是居民身份证，请到人工窗口办理") from None
    patient = patient_get_by_certno(certno) or Patient(certno=certno, mdtrt_cert_type=mdtrt_cert_type)
    patient.name = person.psn_name
    if mdtrt_cert_type == CertType.SSCARD:
        patient.sscard_no = mdtrt_cert_no
    if not _keep_insurance(patient, person):
        raise ApplicationError("医保信息平台未返回该患者的参保信息，请到人工窗口办理")
    patient = patient_save(patient)
    return MediumReading(
        patient=patient,
        person=person,
        mdtrt_cert_type=mdtrt_cert_type,
        mdtrt_cert_no=mdtrt_cert_no,
        card_sn=card_sn,
        exchange_id=person.exchange_id,
    )


def patient_save(patient: Patient) -> Patient:
    """Store a patient. Two first visits of one new 身份证号 at once: the first row stands, with the later answer."""
    if patient.pk is None:
        try:
            with transaction.atomic():
                patient.save()
            return patient
        except IntegrityError:
            existing = patient_get_by_certno(patient.certno)
            for field in ["name", *INSURANCE_FIELDS]:
                setattr(existing, field, getattr(patient, field))
            patient = existing
    patient.save()
    return patient


def patient_record_sign_status(*, patient: Patient, signed: bool) -> Patient:
    patient.sign_status = SignStatus.SIGNED if signed else SignStatus.UNSIGNED
    patient.sign_checked_at = timezone.now()
    patient.save(update_fields=["sign_status", "sign_checked_at", "certno_hash", "phone_hash", "updated_at"])
    return patient


def patient_check_signature(*, patient: Patient, business=None) -> paylater.SignStatusResult:
    """Ask the platform (附录五) and remember the answer with its time."""
    result = paylater.sign_status(user_name=patient.name, cert_no=patient.certno, business=business)
    patient_record_sign_status(patient=patient, signed=result.signed)
    return result


def patient_sign_refresh(*, patient: Patient) -> bool:
    """Staff asked the platform again (附录五): is the patient signed?"""
    try:
        return patient_check_signature(patient=patient).signed
    except UpstreamError as exc:
        raise ApplicationError(f"查询签约状态失败：{exc}") from exc


def patient_sign_url(*, patient: Patient, back_url: str) -> str | None:
    """The platform's signing page with our return address, or None when already signed."""
    try:
        result = patient_check_signature(patient=patient)
    except UpstreamError as exc:
        raise ApplicationError(f"获取签约地址失败：{exc}") from exc
    if result.signed:
        return None
    if not result.sign_url:
        raise ApplicationError("平台未返回签约地址，请稍后再试")
    return paylater.with_back_url(result.sign_url, back_url)


INSURANCE_FIELDS = ["psn_no", "insutype", "insuplc_admdvs"]


def _person_info(patient: Patient, *, psn_name: str = "", business=None):
    return nhsa.person_info(
        opter="system",
        mdtrt_cert_type=patient.mdtrt_cert_type,
        mdtrt_cert_no=patient.certno,
        certno=patient.certno,
        psn_name=psn_name,
        business=business,
    )


def _keep_insurance(patient: Patient, person) -> bool:
    """Take psn_no and the scheme (the patient's own, or the first listed) from a 1101 answer."""
    insurance = person.insurance(patient.insutype or None) or person.insurance()
    if insurance is None:
        return False
    patient.psn_no, patient.insutype, patient.insuplc_admdvs = (
        person.psn_no,
        insurance.insutype,
        insurance.insuplc_admdvs,
    )
    return True


def patient_ensure_insured(*, patient: Patient, business=None) -> Patient:
    """The patient with psn_no, insutype and insuplc_admdvs. A visit reads them fresh (`patient_identify`); this
    asks 1101 only for a patient who has had no visit yet, e.g. when the platform asks org_001 first."""
    if patient.psn_no and patient.insuplc_admdvs:
        return patient
    try:
        person = _person_info(patient, psn_name=patient.name, business=business)
    except UpstreamError as exc:
        raise ApplicationError(f"无法从医保信息平台获取参保信息（{exc.upstream_message or exc}）") from exc
    if not _keep_insurance(patient, person):
        raise ApplicationError("医保信息平台未返回该患者的参保信息")
    patient.save(update_fields=[*INSURANCE_FIELDS, "certno_hash", "phone_hash", "updated_at"])
    return patient
