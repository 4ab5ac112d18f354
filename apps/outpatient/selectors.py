import datetime

from django.utils import timezone

from apps.core.idcard import birth_date, gender_code
from apps.core.money import format_money
from apps.ledger.models import Kind, MoneyMovement
from apps.outpatient.models import OrderState, RegistrationOrder
from apps.patients.models import Patient

# [assumed] The registration fee's catalogue codes: the national 医疗服务项目 code for a general outpatient
# registration/consultation and the hospital's own code. The real values come from the hospital's catalogue.
REGISTRATION_ITEM = {"med_list_codg": "001102000010000-110200001", "medins_list_codg": "GHF-001"}


def orders_today(*, department=None, doctor=None, state=None):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    orders = RegistrationOrder.objects.select_related("patient", "schedule__doctor__department").filter(
        created_at__gte=start, created_at__lt=start + datetime.timedelta(days=1)
    )
    if department:
        orders = orders.filter(schedule__doctor__department__code=department)
    if doctor:
        orders = orders.filter(schedule__doctor__code=doctor)
    if state:
        orders = orders.filter(state=state)
    return orders


def unsettled_orders(*, patient: Patient):
    return (
        RegistrationOrder.objects.select_related("schedule__doctor__department")
        .filter(patient=patient, state=OrderState.AWAITING_PAYMENT, expires_at__gt=timezone.now())
        .order_by("created_at")
    )


def account_info(*, patient: Patient) -> dict:
    """org_001's reply fields for an outpatient."""
    born = birth_date(patient.certno)
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    his_cust_id = f"P{patient.pk:010d}"
    return {
        "psn_no": patient.psn_no,
        "patient_type": "01" if patient.insutype else "00",
        "his_cust_id": his_cust_id,
        "his_cust_list": [{"his_cust_type": patient.mdtrt_cert_type, "his_cust_id": his_cust_id}],
        "balance": "0.00",
        "psn_cert_type": "01",
        "cert_no": patient.certno,
        "psn_name": patient.name,
        "gend": gender_code(patient.certno),
        "phone": patient.phone,
        "brdy": born.isoformat(),
        "naty": "",
        "age": str(age),
        "insu_type": patient.insutype,
        "mdtrt_cert_type": patient.mdtrt_cert_type,
        "mdtrt_cert_no": patient.certno,
    }


def unsettled_bill(*, order: RegistrationOrder) -> dict:
    """One entry of org_002's unsettlelist: the registration fee as a single fee-detail line (2204 names)."""
    patient, doctor = order.patient, order.schedule.doctor
    dept = doctor.department
    fee = format_money(order.fee)
    ocur = timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "org_trace_no": order.trace_no,
        "doc_trace_no": order.trace_no,
        "chrg_bchno": order.trace_no,
        "ipt_otp_no": order.trace_no,
        "mdtrt_id": order.mdtrt_id,
        "psn_no": patient.psn_no,
        "psn_name": patient.name,
        "mdtrt_cert_type": patient.mdtrt_cert_type,
        "mdtrt_cert_no": patient.certno,
        "insutype": patient.insutype,
        "med_type": "12",
        "dept_code": dept.code,
        "dept_name": dept.name,
        "dr_code": doctor.code,
        "dr_name": doctor.name,
        "medfee_sumamt": fee,
        "psn_setlway": "01",
        "acct_used_flag": "1",
        "fulamt_ownpay_amt": "0.00",
        "overlmt_selfpay": "0.00",
        "preselfpay_amt": "0.00",
        "inscp_scp_amt": fee,
        "diaglist": [],
        "rxlist": [
            {
                "feedetl_sn": f"{order.trace_no}01",
                "rx_no": order.trace_no,
                **REGISTRATION_ITEM,
                "item_name": f"挂号费（{doctor.level_name}）",
                "pric": fee,
                "cnt": "1.0000",
                "det_item_fee_sumamt": fee,
                "fee_ocur_time": ocur,
                "bilg_dept_codg": dept.code,
                "bilg_dept_name": dept.name,
                "bilg_dr_codg": doctor.code,
                "bilg_dr_name": doctor.name,
                "hi_item": "1",
                "item_emp": "次",
            }
        ],
    }


def settlement_find(*, patient: Patient, org_trace_no: str = "") -> RegistrationOrder | None:
    orders = RegistrationOrder.objects.select_related("settlement").filter(patient=patient, settlement__isnull=False)
    if org_trace_no:
        orders = orders.filter(trace_no=org_trace_no)
    return orders.order_by("-paid_at").first()


def order_refunds(*, order: RegistrationOrder):
    return MoneyMovement.objects.filter(
        kind=Kind.REFUND, source_type=order._meta.label_lower, source_id=str(order.pk)
    ).order_by("created_at")
