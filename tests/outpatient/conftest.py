from django.conf import settings


def settlement_payload(order, **overrides):
    """An org_003 body as the platform sends it after settling `order` (amounts as strings, setl_time in ms)."""
    fee = str(order.fee)
    payload = {
        "mdtrt_cert_no": order.patient.certno,
        "mdtrt_cert_type": "02",
        "org_trace_no": order.trace_no,
        "amp_trace_id": "AMP" + order.trace_no,
        "doc_trace_no": order.trace_no,
        "feesum_amt": fee,
        "org_code": settings.ORG_CODE,
        "trace_id": "T" + order.trace_no,
        "used_patient_type": "01",
        "setl_id": "S" + order.trace_no[-20:],
        "mdtrt_id": "M" + order.trace_no[-20:],
        "setl_time": 1795000000000,
        "medfee_sumamt": fee,
        "fund_pay_sumamt": "0.00",
        "psn_part_amt": fee,
        "psn_cash_pay": fee,
        "acct_pay": "0.00",
        "hosp_part_amt": "0.00",
    }
    payload.update(overrides)
    return payload
