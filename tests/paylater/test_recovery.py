"""AMP_HOS_002 timing out leaves the refund unknown; recovery asks AMP_HOS_003 with the same outRefundNo."""

import pytest

from apps.integrations import paylater, recovery
from apps.integrations.models import Exchange, Outcome
from apps.integrations.signals import outcome_resolved

pytestmark = pytest.mark.django_db

REFUND = {
    "amp_trace_id": "AMP1",
    "trace_id": "TR1",
    "org_trace_no": "T1",
    "out_refund_no": "RF-0001",
    "org_refund_sn": "SN1",
    "refund_reason": "患者要求退费",
}


def amp(param=None, *, success=True, code="0000", msg="成功"):
    return {"success": success, "respCode": code, "respMsg": msg, "param": param}


@pytest.fixture
def signals():
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    outcome_resolved.connect(receiver)
    yield heard
    outcome_resolved.disconnect(receiver)


def timed_out_refund(platform):
    # The platform does the refund but answers after the portal's read timeout (1 s here).
    platform.answer("refund", amp({"tradeStatus": "PROCESSING"}), delay=1.5)
    with pytest.raises(paylater.UpstreamUnknownOutcome):
        paylater.refund(**REFUND)
    exchange = Exchange.objects.get(interface="AMP_HOS_002")
    assert exchange.outcome == Outcome.UNKNOWN and exchange.money and exchange.resolved_at is None
    return exchange


def test_the_query_asks_about_exactly_what_was_sent_even_where_the_log_masks_it(platform, signals):
    exact = "202611261513337236"  # 18 digits: the log's masker takes it for an ID number
    platform.answer("refund", amp({"tradeStatus": "PROCESSING"}), delay=1.5)
    with pytest.raises(paylater.UpstreamUnknownOutcome):
        paylater.refund(**(REFUND | {"out_refund_no": exact}))
    original = Exchange.objects.get(interface="AMP_HOS_002")
    assert original.request_body["outRefundNo"] == "202611********7236"
    platform.answer("refund_result", amp({"tradeStatus": "SUCCESS"}))
    [resolution] = recovery.resolve_pending(party="paylater")
    assert resolution.final == recovery.SUCCEEDED
    [query] = [sent for name, _, sent in platform.received if name == "refund_result"]
    assert query["outRefundNo"] == exact


@pytest.mark.parametrize("codec", ["json", "sm"])
def test_timeout_then_resolved_as_done(platform, settings, signals, codec):
    settings.PAYLATER_CODEC = codec
    original = timed_out_refund(platform)
    platform.answer("refund_result", amp({"tradeStatus": "SUCCESS", "ampRefundId": "AR1"}))
    [resolution] = recovery.resolve_pending(party="paylater")
    assert resolution.final == recovery.SUCCEEDED and resolution.took_effect
    # The query carried the original outRefundNo; the refund itself was never sent again.
    queries = [sent for name, _, sent in platform.received if name == "refund_result"]
    expected = {"ampTraceId": "AMP1", "traceId": "TR1", "orgCode": settings.ORG_CODE, "outRefundNo": "RF-0001"}
    assert queries == [expected | {"subOrgCode": ""}]
    assert [name for name, _, _ in platform.received].count("refund") == 1
    original.refresh_from_db()
    assert original.resolved_at and original.resolved_by.interface == "AMP_HOS_003"
    assert signals[0]["exchange"].pk == original.pk and signals[0]["took_effect"] is True
    assert recovery.resolve_pending(party="paylater") == []  # resolved once


def test_refund_unknown_to_the_platform_is_resolved_as_not_done(platform, signals):
    timed_out_refund(platform)
    platform.answer("refund_result", amp(None, success=False, code="100404", msg="无此退款"))
    [resolution] = recovery.resolve_pending(party="paylater")
    assert resolution.final == recovery.FAILED and not resolution.took_effect
    assert signals[0]["took_effect"] is False


@pytest.mark.parametrize(
    "reply",
    [amp({"tradeStatus": "PROCESSING"}), amp(None, success=False, code="999999", msg="系统繁忙")],
    ids=["processing", "other-refusal"],
)
def test_undecided_stays_pending(platform, signals, reply):
    original = timed_out_refund(platform)
    platform.answer("refund_result", reply)
    assert recovery.resolve_pending(party="paylater") == []
    original.refresh_from_db()
    assert original.resolved_at is None and not signals


def test_failed_refund_is_resolved_as_not_done(platform, signals):
    timed_out_refund(platform)
    platform.answer("refund_result", amp({"tradeStatus": "FAILED"}))
    [resolution] = recovery.resolve_pending(party="paylater")
    assert resolution.final == recovery.FAILED
