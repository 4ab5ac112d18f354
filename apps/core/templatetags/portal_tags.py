"""The portal's template filters: words for codes, money, and QR codes for links a patient opens on a phone."""

from decimal import Decimal, InvalidOperation

import segno
from django import template
from django.utils.safestring import mark_safe

from apps.core import labels
from apps.core.roles import display_name

register = template.Library()


@register.filter
def label(code, kind: str) -> str:
    """{{ patient.insutype|label:"insutype" }} → 职工基本医疗保险."""
    return labels.label(kind, code)


@register.filter
def worded(text) -> str:
    """{{ refund.status_detail|worded }}: interface codes inside a message become their names."""
    return labels.worded(str(text or ""))


@register.filter
def staff_name(user) -> str:
    """Who did it, by name; no user means the platform or the worker did."""
    return display_name(user) if user else "系统 / 平台"


@register.filter
def money(value) -> str:
    """Yuan with two places and thousands separators; empty for no value (money is never guessed)."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def qr(url: str) -> str:
    """The link as an inline SVG QR code: drawn here, so no outside service ever sees the patient's link."""
    if not url:
        return ""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, title="用手机扫码打开")
    return mark_safe(f'<span class="qr">{svg}</span>')  # segno escapes the title; the SVG holds no user text
