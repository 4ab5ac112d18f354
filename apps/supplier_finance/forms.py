"""The entry / correction form: every 附录三 field as text, checked by the service (one reading of the guide)."""

from django import forms

from apps.integrations.nhsa import purchase
from apps.supplier_finance.importing import INVOICE_COLUMNS, PURCINFO_COLUMNS, column_label
from apps.supplier_finance.models import Kind

_KINDS = {name: kind for name, kind, *_ in purchase.PURCHASE_3503 + purchase.RETURN_3504 + purchase.INVOICE}
_WIDGETS = {
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
    "datetime": lambda: forms.TextInput(attrs={"placeholder": "yyyy-MM-dd HH:mm:ss"}),
    "flag": lambda: forms.Select(choices=[("", "—"), ("0", "0 否"), ("1", "1 是")]),
}


def _text_field(name: str, label: str) -> forms.CharField:
    widget = _WIDGETS.get(_KINDS[name], forms.TextInput)()
    return forms.CharField(label=label, required=False, widget=widget)


class PurchaseForm(forms.Form):
    kind = forms.ChoiceField(label="业务类型", choices=Kind.choices)

    def __init__(self, *args, fixed_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_kind:
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = fixed_kind
        for name in PURCINFO_COLUMNS:
            self.fields[name] = _text_field(name, column_label(name))

    def purcinfo(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in PURCINFO_COLUMNS if self.cleaned_data.get(name)}


class InvoiceForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in INVOICE_COLUMNS:
            self.fields[name] = _text_field(name, column_label(name).removeprefix("发票"))

    def invoice(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in INVOICE_COLUMNS if self.cleaned_data.get(name)}


InvoiceFormSet = forms.formset_factory(InvoiceForm, extra=2, max_num=20)
