"""Admissions (2401 / 2402), daily charges (2301 / 2302), pay-after-care deposits (C2304 / C2305) and the final
settlement (2303 / 2304, reversed by 2305) — guide sections 7 and 8.

Money calls follow one pattern: under a short row lock, check that nothing is already moving and write the
ledger movement as pending; commit; call the gateway with the movement as the exchange's business; then finish
the movement (or mark it unknown, which the recovery resolves by 2601 and `apps/ledger/receivers.py` finishes).
No row lock is held across HTTP, and a second click finds the pending movement and moves nothing.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.catalogue.selectors import diagnosis_get, fee_item_get
from apps.catalogue.services import fee_line
from apps.core.errors import ApplicationError
from apps.core.money import CENT, format_money
from apps.core.refs import BusinessRef
from apps.guidance.services import message_enqueue
from apps.inpatient import messages, selectors
from apps.inpatient.models import Admission, AdmissionState, Charge, ChargeState, Deposit
from apps.inpatient.wards import DOCTORS, WARDS
from apps.integrations.nhsa import client as nhsa
from apps.integrations.nhsa.envelope import as_opter
from apps.integrations.selectors import call_unanswered
from apps.integrations.transport import UpstreamError, UpstreamUnknownOutcome
from apps.ledger import services as ledger
from apps.ledger.models import Channel, Kind, MoneyMovement, Status
from apps.patients.models import CertType, Patient
from apps.patients.services import patient_ensure_insured

log = logging.getLogger(__name__)

ZERO_AMOUNT = Decimal("0.00")
DEPOSIT_MAX = Decimal("100000.00")
PARTIAL_HINT = "如需只退一部分，请用「部分退还」：先整笔退还，再按留存金额重新收取一笔押金。"


def _opter_name(opter) -> str:
    return as_opter(opter).opter_name


def _upstream_words(exc: UpstreamError) -> str:
    return getattr(exc, "upstream_message", "") or str(exc)


# --- admission -----------------------------------------------------------------------------------------------


PENDING_REGISTRATION = "登记中"  # mdtrt_id while one 2401 is on its way (a claim, so two clicks send one)
STALE_CLAIM = datetime.timedelta(minutes=5)


def admission_open(
    *,
    patient,
    mdtrt_cert_type: str,
    ward: str,
    adm_bed: str,
    diag_code: str,
    atddr_no: str,
    begntime: datetime.datetime | None = None,
) -> Admission:
    """The hospital's own admission record (住院号), not yet registered at the gateway. One stay at a time."""
    if ward not in WARDS:
        raise ApplicationError("请选择病区", {"field": "ward"})
    adm_bed = str(adm_bed or "").strip()
    if not adm_bed or len(adm_bed) > 30:
        raise ApplicationError("请填写床位号（不超过30个字符）", {"field": "adm_bed"})
    if atddr_no not in DOCTORS:
        raise ApplicationError("请选择主治医师", {"field": "atddr_no"})
    diagnosis = diagnosis_get(diag_code)
    area, dept_code, dept_name = WARDS[ward]
    begntime = begntime or timezone.now()
    with transaction.atomic():
        # One stay at a time: the patient's row is the lock two admissions of the same person queue on.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        if selectors.admission_current(patient) is not None:
            raise ApplicationError(f"{patient.name_masked}已在院（尚未出院结算），不能重复办理入院")
        admission = Admission.objects.create(
                patient=patient, ipt_no=f"TMP{secrets.token_hex(8)}", insutype=patient.insutype or "",
                mdtrt_cert_type=mdtrt_cert_type, disease_area=area, adm_bed=adm_bed,
                adm_dept_codg=dept_code, adm_dept_name=dept_name, atddr_no=atddr_no, chfpdr_name=DOCTORS[atddr_no],
                adm_diag_code=diagnosis.diag_code, adm_diag_dscr=diagnosis.diag_name, begntime=begntime,
        )  # fmt: skip
        admission.ipt_no = f"ZY{timezone.localtime(begntime):%Y%m%d}{admission.pk:05d}"
        admission.save(update_fields=["ipt_no"])
    return admission


def admission_admit(*, reading, ward: str, adm_bed: str, diag_code: str, atddr_no: str, opter) -> Admission:
    """The admission screen: a medium read with 1101 (`patient_read_medium`), the ward, bed, doctor and admitting
    diagnosis; then 2401 at once. If the gateway does not register the stay, nothing of it is kept."""
    patient = reading.patient
    if not patient.psn_no or not patient.insutype:
        raise ApplicationError("该患者没有参保信息，不能办理医保住院")
    admission = admission_open(
        patient=patient, mdtrt_cert_type=reading.mdtrt_cert_type, ward=ward, adm_bed=adm_bed, diag_code=diag_code,
        atddr_no=atddr_no,
    )  # fmt: skip
    try:
        return admission_register(
            admission=admission, opter=opter, mdtrt_cert_type=reading.mdtrt_cert_type,
            mdtrt_cert_no=reading.mdtrt_cert_no,
        )  # fmt: skip
    except ApplicationError:
        Admission.objects.filter(pk=admission.pk).delete()
        raise


def admission_register(*, admission: Admission, opter, mdtrt_cert_type: str = "", mdtrt_cert_no: str = "") -> Admission:
    """2401 for a stay the gateway does not know yet (without a medium: the 身份证 on record). Idempotent: a
    registered stay is returned as it is, and a second caller while one 2401 is on its way is refused."""
    admission.refresh_from_db()
    if admission.mdtrt_id and admission.mdtrt_id != PENDING_REGISTRATION:
        return admission
    patient = patient_ensure_insured(patient=admission.patient, business=admission)
    claimed = (
        Admission.objects.filter(pk=admission.pk)
        .filter(
            models.Q(mdtrt_id="") | models.Q(mdtrt_id=PENDING_REGISTRATION, updated_at__lt=timezone.now() - STALE_CLAIM)
        )
        .update(mdtrt_id=PENDING_REGISTRATION, updated_at=timezone.now())
    )
    if not claimed:
        raise ApplicationError("该住院正在向医保办理入院登记，请稍候刷新")
    if not mdtrt_cert_no:
        mdtrt_cert_type, mdtrt_cert_no = CertType.IDCARD, patient.certno
    diagnosis = {"diag_type": "1", "diag_srt_no": "1", "diag_code": admission.adm_diag_code,
                 "diag_name": admission.adm_diag_dscr, "maindiag_flag": "1"}  # fmt: skip
    try:
        registration = nhsa.admit_inpatient(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, psn_no=patient.psn_no, insutype=patient.insutype,
            begntime=timezone.localtime(admission.begntime), mdtrt_cert_type=mdtrt_cert_type,
            mdtrt_cert_no=mdtrt_cert_no, ipt_no=admission.ipt_no, atddr_no=admission.atddr_no,
            chfpdr_name=admission.chfpdr_name, adm_diag_dscr=admission.adm_diag_dscr,
            adm_dept_codg=admission.adm_dept_codg, adm_dept_name=admission.adm_dept_name, adm_bed=admission.adm_bed,
            dscg_maindiag_code=admission.adm_diag_code, dscg_maindiag_name=admission.adm_diag_dscr,
            diseinfo=[diagnosis], business=BusinessRef.of(admission),
        )  # fmt: skip
    except UpstreamError as exc:
        # Nothing stands on our side; a lost answer is undone at the gateway by the recovery (2601).
        Admission.objects.filter(pk=admission.pk, mdtrt_id=PENDING_REGISTRATION).update(mdtrt_id="")
        if isinstance(exc, UpstreamUnknownOutcome):
            raise ApplicationError("医保未及时应答入院登记，系统将自动冲正；请稍后重新办理。") from exc
        raise ApplicationError(f"医保未受理入院登记：{_upstream_words(exc)}") from exc
    Admission.objects.filter(pk=admission.pk).update(
        mdtrt_id=registration.mdtrt_id, insutype=patient.insutype, updated_at=timezone.now()
    )
    admission.refresh_from_db()
    return admission


def _registered(admission: Admission, opter) -> Admission:
    """The stay with its mdtrt_id, registering it first (a stay recorded before its 2401, e.g. the demo's)."""
    if admission.mdtrt_id and admission.mdtrt_id != PENDING_REGISTRATION:
        return admission
    return admission_register(admission=admission, opter=opter)


def _locked(admission) -> Admission:
    return Admission.objects.select_for_update(of=("self",)).select_related("patient").get(pk=admission.pk)


def _require_in_hospital(admission: Admission) -> None:
    if admission.state != AdmissionState.ADMITTED:
        raise ApplicationError(f"住院{admission.get_state_display()}，不能再记账或撤销费用")


# --- charges -------------------------------------------------------------------------------------------------


def charges_add(*, admission: Admission, items: list[tuple[str, object]], fee_ocur_time, opter) -> list[Charge]:
    """Record catalogue items (code, quantity) as the stay's charges, then upload them (2301)."""
    charges = charges_record(admission=admission, items=items, fee_ocur_time=fee_ocur_time)
    charges_upload(admission=admission, opter=opter)
    return charges


def charges_record(*, admission: Admission, items: list[tuple[str, object]], fee_ocur_time) -> list[Charge]:
    """The stay's charges, kept until uploaded (2301): catalogue items (code, quantity) at today's price."""
    if not items:
        raise ApplicationError("请至少选择一项费用", {"field": "items"})
    lines = [fee_line(fee_item_get(code), cnt, fee_ocur_time=fee_ocur_time) for code, cnt in items]
    with transaction.atomic():
        admission = _locked(admission)
        _require_in_hospital(admission)
        start = Charge.objects.filter(admission=admission).count() + 1
        charges = [
            Charge.objects.create(
                admission=admission,
                feedetl_sn=f"{admission.ipt_no}{start + index:04d}",
                det_item_fee_sumamt=line.amount,
                fee_ocur_time=line.fee_ocur_time,
                **{
                    name: getattr(line, name)
                    for name in (
                        "med_list_codg",
                        "medins_list_codg",
                        "item_name",
                        "spec",
                        "item_emp",
                        "category",
                        "pric",
                        "cnt",
                    )
                },
            )  # fmt: skip
            for index, line in enumerate(lines)
        ]
    return charges


def charges_upload(*, admission: Admission, opter) -> int:
    """2301 for the stay's charges not yet uploaded. Returns how many went up; a refusal is kept on the lines."""
    pending = list(selectors.charges_pending(admission))
    if not pending:
        return 0
    admission = _registered(admission, opter)
    patient = admission.patient
    if call_unanswered(interface="2301", business=admission):
        # An earlier 2301 got no answer: the gateway may hold some of these lines and would refuse them now as
        # already uploaded, on every try. Withdraw each first (2302); a refusal means it was not kept.
        for charge in pending:
            try:
                _withdraw_line(admission, charge.feedetl_sn, opter)
            except UpstreamError as exc:
                log.info("2302 of %s before uploading it again: %s", charge.feedetl_sn, _upstream_words(exc))
    feedetail = [
        {
            "feedetl_sn": c.feedetl_sn, "mdtrt_id": admission.mdtrt_id, "psn_no": patient.psn_no,
            "med_type": "21", "fee_ocur_time": timezone.localtime(c.fee_ocur_time).strftime("%Y-%m-%d %H:%M:%S"),
            "med_list_codg": c.med_list_codg, "medins_list_codg": c.medins_list_codg,
            "det_item_fee_sumamt": c.det_item_fee_sumamt, "cnt": c.cnt, "pric": c.pric,
            "bilg_dept_codg": admission.adm_dept_codg, "bilg_dept_name": admission.adm_dept_name,
            "bilg_dr_codg": admission.atddr_no, "bilg_dr_name": admission.chfpdr_name, "hosp_appr_flag": "1",
        }
        for c in pending
    ]  # fmt: skip
    try:
        nhsa.upload_inpatient_fees(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, feedetail=feedetail, business=BusinessRef.of(admission)
        )
    except UpstreamError as exc:
        Charge.objects.filter(pk__in=[c.pk for c in pending]).update(note=f"上传失败：{_upstream_words(exc)}"[:200])
        raise ApplicationError(f"费用已记账，但上传医保失败：{_upstream_words(exc)}。可稍后点击「上传医保」。") from exc
    Charge.objects.filter(pk__in=[c.pk for c in pending], state=ChargeState.PENDING).update(
        state=ChargeState.UPLOADED, note=""
    )
    return len(pending)


def _withdraw_line(admission: Admission, feedetl_sn: str, opter) -> None:
    """2302 for one uploaded line of the stay."""
    nhsa.cancel_inpatient_fees(
        opter=opter, insuplc_admdvs=admission.patient.insuplc_admdvs, psn_no=admission.patient.psn_no,
        mdtrt_id=admission.mdtrt_id, feedetl_sn=feedetl_sn, business=BusinessRef.of(admission),
    )  # fmt: skip


def charge_cancel(*, charge: Charge, reason: str, opter) -> Charge:
    """Withdraw a charge: 2302 when it was uploaded, then it no longer counts."""
    reason = str(reason or "").strip()[:100]
    if not reason:
        raise ApplicationError("请填写撤销原因", {"field": "reason"})
    admission = charge.admission
    _require_in_hospital(admission)
    if charge.state == ChargeState.CANCELLED:
        return charge
    if charge.state == ChargeState.UPLOADED:
        try:
            _withdraw_line(admission, charge.feedetl_sn, opter)
        except UpstreamError as exc:
            raise ApplicationError(f"医保未撤销该费用明细：{_upstream_words(exc)}") from exc
    Charge.objects.filter(pk=charge.pk).update(state=ChargeState.CANCELLED, note=f"撤销：{reason}")
    charge.refresh_from_db()
    return charge


# --- deposits (section 7) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyOutcome:
    """What one money call ended as: succeeded, failed (nothing moved) or unknown (the recovery decides)."""

    status: str
    message: str
    deposit: Deposit | None = None
    repeated: bool = False  # the same request again: the first outcome, nothing sent

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def deposit_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ApplicationError("押金金额应为数字，如 1000.00", {"field": "dpst_amt"}) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ApplicationError("押金金额应大于0，最多两位小数", {"field": "dpst_amt"})
    if amount > DEPOSIT_MAX:
        raise ApplicationError(f"单笔押金不超过 ¥{format_money(DEPOSIT_MAX)}", {"field": "dpst_amt"})
    return amount


def deposit_new_sn(admission: Admission) -> str:
    """A fresh deposit number for a form: submitting it twice collects once."""
    return f"YJ{admission.pk:06d}{timezone.localtime():%y%m%d%H%M%S}{secrets.randbelow(10**4):04d}"


def _repeat(deposit: Deposit, admission: Admission, amount: Decimal) -> MoneyOutcome:
    if deposit.admission_id != admission.pk or deposit.dpst_amt != amount:
        raise ApplicationError(f"预交金流水号 {deposit.dpst_sn} 已用于另一笔押金", {"field": "dpst_sn"})
    view = selectors.deposit_view(deposit)
    status = {"held": "succeeded", "refunding": "succeeded", "refund_unknown": "succeeded", "refunded": "succeeded",
              "not_collected": "failed"}.get(view.state, "unknown")  # fmt: skip
    return MoneyOutcome(status, f"该笔押金已提交过（{view.state_label}），未重复收取。", deposit, repeated=True)


def deposit_collect(
    *, admission: Admission, dpst_amt, dpst_sn: str, opter, replaces: Deposit | None = None
) -> MoneyOutcome:
    """Collect a deposit through pay-after-care (C2304): one ledger movement, a receipt, an AMP_HOS_001 push.

    `dpst_sn` is the form's (or the HIS's) number for this deposit: the same number again answers the first
    outcome and never collects twice."""
    amount = deposit_amount(dpst_amt)
    dpst_sn = str(dpst_sn or "").strip()
    if not dpst_sn or len(dpst_sn) > 30:
        raise ApplicationError("预交金流水号必填，不超过30个字符", {"field": "dpst_sn"})
    existing = Deposit.objects.filter(dpst_sn=dpst_sn).first()
    if existing is not None:
        return _repeat(existing, admission, amount)
    if admission.state != AdmissionState.SETTLED:
        admission = _registered(admission, opter)
    try:
        with transaction.atomic():
            admission = _locked(admission)
            if admission.state == AdmissionState.SETTLED:
                raise ApplicationError("该住院已出院结算，不能再收押金")
            if not admission.mdtrt_id or admission.mdtrt_id == PENDING_REGISTRATION:
                raise ApplicationError("该住院尚未在医保登记，不能收押金")
            movement = ledger.movement_create(
                kind=Kind.DEPOSIT, channel=Channel.INPATIENT, patient=admission.patient, org_trace_no=dpst_sn,
                amount=amount, status=Status.PENDING, business=admission, note="住院押金",
            )  # fmt: skip
            deposit = Deposit.objects.create(
                admission=admission, dpst_sn=dpst_sn, dpst_amt=amount, movement=movement, replaces=replaces,
                opter_name=_opter_name(opter),
            )  # fmt: skip
    except IntegrityError:  # the same number submitted twice at once: the first one stands
        return _repeat(Deposit.objects.get(dpst_sn=dpst_sn), admission, amount)
    patient = admission.patient
    try:
        paid = nhsa.pay_deposit(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, psn_no=patient.psn_no, mdtrt_id=admission.mdtrt_id,
            ipt_no=admission.ipt_no, dpst_amt=amount, dpst_sn=dpst_sn, business=BusinessRef.of(movement),
        )  # fmt: skip
    except UpstreamUnknownOutcome as exc:
        ledger.movement_mark_unknown(movement=movement, detail=str(exc))
        return MoneyOutcome(
            "unknown",
            f"押金 ¥{format_money(amount)} 收取结果未知（医保未及时应答）。系统将自动核实，不会重复扣款；"
            "请勿重新收取，稍后查看状态。",
            deposit,
        )
    except UpstreamError as exc:
        ledger.movement_finish(movement=movement, took_effect=False, detail=str(exc))
        return MoneyOutcome("failed", f"押金未收取：{_upstream_words(exc)}", deposit)
    with transaction.atomic():
        Deposit.objects.filter(pk=deposit.pk).update(dpst_id=paid.dpst_id, pay_time=paid.pay_time)
        if ledger.movement_finish(movement=movement, took_effect=True, detail=f"医保预交金ID {paid.dpst_id}"):
            message_enqueue(body=messages.paid(admission, movement), business=deposit)
    deposit.refresh_from_db()
    return MoneyOutcome("succeeded", f"已收取押金 ¥{format_money(amount)}。", deposit)


def deposit_refund(
    *, deposit: Deposit, opter, refd_amt=None, reason: str = "", for_partial: bool = False
) -> MoneyOutcome:
    """Refund a whole deposit (C2305). A partial amount is refused here, before anything is sent.
    (`for_partial`: the first step of `deposit_partial_return`, which keeps its intent on the deposit.)"""
    if refd_amt not in (None, ""):
        amount = deposit_amount(refd_amt)
        if amount != deposit.dpst_amt:
            raise ApplicationError(
                f"预交金不支持部分退费：该笔押金 ¥{format_money(deposit.dpst_amt)} 只能整笔退还，"
                f"不能只退 ¥{format_money(amount)}。{PARTIAL_HINT}",
                {"field": "refd_amt", "partial": True},
            )
    reason = str(reason or "").strip()[:100] or "退还押金"
    with transaction.atomic():
        locked = Deposit.objects.select_for_update(of=("self",)).select_related("admission__patient")
        deposit = locked.get(pk=deposit.pk)
        view = selectors.deposit_view(deposit)
        if view.state in ("refunding", "refund_unknown"):
            return MoneyOutcome("unknown", "该笔押金正在退还，结果核实中，不会重复退还。", deposit)
        if view.state == "refunded":
            return MoneyOutcome("succeeded", "该笔押金已退还，未重复退还。", deposit)
        if view.state != "held":
            raise ApplicationError(f"该笔押金{view.state_label}，不能退还")
        if not for_partial and deposit.keep_amt is not None:  # a plain refund ends an earlier partial intent
            Deposit.objects.filter(pk=deposit.pk).update(keep_amt=None)
        attempts = MoneyMovement.objects.filter(reverses=view.collect, kind=Kind.DEPOSIT_REFUND).count()
        refund = ledger.movement_reverse(
            movement=view.collect, kind=Kind.DEPOSIT_REFUND, org_trace_no=f"TF{deposit.dpst_sn}{attempts + 1:02d}",
            note=reason,
        )  # fmt: skip
    admission, patient = deposit.admission, deposit.admission.patient
    try:
        nhsa.refund_deposit(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, psn_no=patient.psn_no, mdtrt_id=admission.mdtrt_id,
            dpst_id=deposit.dpst_id, refd_amt=deposit.dpst_amt, business=BusinessRef.of(refund),
        )  # fmt: skip
    except UpstreamUnknownOutcome as exc:
        ledger.movement_mark_unknown(movement=refund, detail=str(exc))
        return MoneyOutcome(
            "unknown",
            f"退还押金 ¥{format_money(deposit.dpst_amt)} 结果未知（医保未及时应答）。系统将自动核实，不会重复退还。",
            deposit,
        )
    except UpstreamError as exc:
        ledger.movement_finish(movement=refund, took_effect=False, detail=str(exc))
        return MoneyOutcome("failed", f"押金未退还：{_upstream_words(exc)}", deposit)
    with transaction.atomic():
        if ledger.movement_finish(movement=refund, took_effect=True, detail="医保预交金退费成功"):
            message_enqueue(body=messages.refunded(admission, refund), business=deposit)
    return MoneyOutcome("succeeded", f"已退还押金 ¥{format_money(deposit.dpst_amt)}。", deposit)


def deposit_partial_return(*, deposit: Deposit, return_amt, opter) -> MoneyOutcome:
    """Give back part of a deposit the only way C2305 allows: refund it whole, then collect the amount to keep
    as a new deposit. Each step is its own money call; where it stops, `selectors.PartialReturn` says so and
    `deposit_partial_finish` completes it later."""
    back = deposit_amount(return_amt)
    if back >= deposit.dpst_amt:
        raise ApplicationError(
            f"部分退还的金额应小于押金 ¥{format_money(deposit.dpst_amt)}；要全部退还请用「整笔退还」",
            {"field": "return_amt"},
        )
    with transaction.atomic():
        locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if selectors.deposit_view(locked).state == "held":  # a new intent may replace one that never started
            Deposit.objects.filter(pk=locked.pk).update(keep_amt=locked.dpst_amt - back)
        elif locked.keep_amt is None:
            raise ApplicationError("该笔押金已不在有效状态，不能部分退还")
    refund = deposit_refund(
        deposit=deposit, opter=opter, reason=f"部分退还 ¥{format_money(back)}（整笔退后重收）", for_partial=True
    )
    if not refund.ok:
        return MoneyOutcome(refund.status, f"部分退还第一步（整笔退还）：{refund.message}", deposit)
    return deposit_partial_finish(deposit=deposit, opter=opter)


def deposit_partial_finish(*, deposit: Deposit, opter) -> MoneyOutcome:
    """The second step of a partial return: collect the amount kept, once (a live attempt is answered again)."""
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update(of=("self",)).select_related("admission").get(pk=deposit.pk)
        view = selectors.deposit_view(deposit)
        partial = view.partial
        if partial is None:
            raise ApplicationError("该笔押金没有进行中的部分退还")
        if partial.step == "refund_first" or partial.step == "refund_unknown":
            raise ApplicationError(partial.words())
        if partial.replacement is not None:
            replacement = partial.replacement.deposit
            return _repeat(replacement, deposit.admission, replacement.dpst_amt)
        dpst_sn = f"{deposit.dpst_sn[:26]}R{len(partial.replacements) + 1:02d}"
    outcome = deposit_collect(
        admission=deposit.admission, dpst_amt=deposit.keep_amt, dpst_sn=dpst_sn, opter=opter, replaces=deposit
    )
    whole, keep = format_money(deposit.dpst_amt), format_money(deposit.keep_amt)
    back = format_money(deposit.dpst_amt - deposit.keep_amt)
    words = {
        "succeeded": f"部分退还完成：押金 ¥{whole} 已整笔退还，并重新收取留存的 ¥{keep}（实际退还 ¥{back}）。",
        "unknown": f"押金已整笔退还；重新收取留存的 ¥{keep} 结果未知，系统正在核实，不会重复扣款。"
        "核实后如未收取，可在押金列表中「收取留存金额」。",
        "failed": f"押金已整笔退还，但重新收取留存的 ¥{keep} 未成功：{outcome.message}。"
        "请稍后在押金列表中点击「收取留存金额」完成。",
    }
    return MoneyOutcome(outcome.status, words[outcome.status], outcome.deposit)


# --- discharge and final settlement (section 8) --------------------------------------------------------------


def admission_discharge(*, admission: Admission, opter, endtime: datetime.datetime | None = None) -> Admission:
    """2402: the patient leaves; charges must all be uploaded first. Nothing moves money here."""
    with transaction.atomic():
        admission = _locked(admission)
        if admission.state != AdmissionState.ADMITTED:
            raise ApplicationError(f"住院{admission.get_state_display()}，不能再办理出院")
        if selectors.charges_pending(admission).exists():
            raise ApplicationError("还有费用未上传医保，请先点击「上传医保」后再办理出院")
    admission = _registered(admission, opter)
    patient = admission.patient
    endtime = endtime or timezone.now()
    try:
        nhsa.discharge_inpatient(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, psn_no=patient.psn_no, mdtrt_id=admission.mdtrt_id,
            insutype=admission.insutype, endtime=timezone.localtime(endtime), dise_codg=admission.adm_diag_code,
            dise_name=admission.adm_diag_dscr, business=BusinessRef.of(admission),
        )  # fmt: skip
    except UpstreamError as exc:
        raise ApplicationError(f"医保未受理出院登记：{_upstream_words(exc)}") from exc
    Admission.objects.filter(pk=admission.pk, state=AdmissionState.ADMITTED).update(
        state=AdmissionState.DISCHARGED, endtime=endtime, updated_at=timezone.now()
    )
    admission.refresh_from_db()
    return admission
