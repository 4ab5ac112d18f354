"""Reconciliation files as the platform writes them, in every accepted form, for the tests."""

HEADER = ["订单号", "银行订单号", "交易时间", "交易状态", "交易描述", "交易金额", "银行退费流水号", "优惠退款费用"]


def line(order_no, amount, *, when="2026-11-29 10:00:00", status="SUCCESS", bank="B1", refund_sn=None):
    refund = amount.startswith("-")
    return [order_no, bank, when, status, "退款成功" if refund else "支付成功", amount,
            (refund_sn or f"SN{order_no}") if refund else "", "0.00"]  # fmt: skip


def build(rows, *, sep=",", encoding="utf-8", newline="\n", bom=False, backtick=False, quote=False,
          summary=None, trailing_blank=0) -> bytes:  # fmt: skip
    def field(value):
        if backtick and value and value[0].isdigit():
            value = "`" + value
        return f'"{value}"' if quote else value

    text = [sep.join(field(value) for value in HEADER)]
    text += [sep.join(field(value) for value in row) for row in rows]
    if summary is not None:
        text.append(sep.join(["总交易单数", "总交易金额", "总退款单数", "总退款金额"]))
        text.append(sep.join(summary))
    content = newline.join(text) + newline + newline * trailing_blank
    data = content.encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data
