"""Purchasing's screens (entry, import, batches, correction) and finance's view. Thin: services decide."""

import datetime
import io
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from apps.core.errors import ApplicationError
from apps.core.roles import FINANCE, PURCHASING, role_required
from apps.supplier_finance import importing, selectors, services
from apps.supplier_finance.forms import InvoiceFormSet, PurchaseForm
from apps.supplier_finance.models import Batch, Kind, Purchase, Status
from apps.supplier_finance.records import Record

purchasing_only = role_required(PURCHASING)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@purchasing_only
def index(request):
    return render(
        request,
        "supplier_finance/index.html",
        {"batches": selectors.batches_recent(), "attention": selectors.purchases_needing_attention()},
    )


@purchasing_only
def template_download(request, fmt):
    if fmt == "xlsx":
        content, mime = importing.template_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content, mime = importing.template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="purchases-template.{fmt}"'
    return response


@purchasing_only
def import_file(request):
    context = {"errors": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的文件")
        elif upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, "文件超过 10 MB，请分批导入")
        else:
            try:
                result = services.purchases_import_file(name=upload.name, content=upload.read(), user=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                if not result.errors:
                    messages.success(
                        request,
                        f"已导入 {upload.name}：共 {result.rows} 条，加入上传队列 {result.queued} 条，"
                        f"已存在未重复加入 {result.duplicates} 条",
                    )
                    if result.batch is None:
                        return redirect("supplier_finance:index")
                    return redirect("supplier_finance:batch", pk=result.batch.pk)
                context = {"errors": result.errors, "file_name": upload.name, "rows": result.rows}
    return render(request, "supplier_finance/import.html", context)


def _show_problems(problems, form, formset, used_forms) -> None:
    """Put each (field, message) of the service next to its input."""
    for where, message in problems:
        match = re.match(r"^invoices\[(\d+)\]\.(\w+)$", where)
        if where.startswith("purcinfo.") and where[9:] in form.fields:
            form.add_error(where[9:], message)
        elif match and int(match.group(1)) < len(used_forms) and match.group(2) in used_forms[0].fields:
            used_forms[int(match.group(1))].add_error(match.group(2), message)
        elif where == "kind":
            form.add_error("kind", message)
        else:
            form.add_error(None, f"{where}：{message}" if where not in ("duplicate", "invoices") else message)


def _purchase_page(request, *, row: Purchase | None):
    """Entry of a new record, or correction of a failed one (its kind is fixed)."""
    fixed = row.kind if row else None
    if request.method == "POST":
        form = PurchaseForm(request.POST, fixed_kind=fixed)
        formset = InvoiceFormSet(request.POST, prefix="inv")
        if form.is_valid() and formset.is_valid():
            used = [f for f in formset.forms if f.has_changed() and f.invoice()]
            record = Record(fixed or form.cleaned_data["kind"], form.purcinfo(), [f.invoice() for f in used])
            try:
                if row is None:
                    saved = services.purchase_enter(record=record, user=request.user)
                else:
                    saved = services.purchase_correct(row=row, record=record)
            except ApplicationError as exc:
                problems = exc.extra.get("errors") or [("", exc.message)]
                if not used:
                    problems = [p for p in problems if not p[0].startswith("invoices[")]
                _show_problems(problems, form, formset, used)
                messages.error(request, "有字段未通过校验，请按提示修改")
            else:
                messages.success(request, f"已保存记录 {saved.pk}，已加入上传队列")
                return redirect("supplier_finance:batch", pk=saved.batch_id)
    else:
        initial, invoices = services.purchase_wire(row) if row else ({}, [])
        form = PurchaseForm(initial={"kind": fixed or Kind.PURCHASE, **initial}, fixed_kind=fixed)
        formset = InvoiceFormSet(initial=invoices, prefix="inv")
    return render(request, "supplier_finance/purchase_form.html", {"form": form, "formset": formset, "row": row})


@purchasing_only
def purchase_new(request):
    return _purchase_page(request, row=None)


@purchasing_only
def purchase_edit(request, pk):
    row = get_object_or_404(Purchase, pk=pk)
    if row.status != Status.FAILED:
        messages.error(request, f"只有上传失败的记录可以修改，当前状态：{row.get_status_display()}")
        return redirect("supplier_finance:batch", pk=row.batch_id)
    return _purchase_page(request, row=row)


@purchasing_only
@require_POST
def purchase_retry(request, pk):
    row = get_object_or_404(Purchase, pk=pk)
    try:
        services.purchase_retry(row=row)
        messages.success(request, f"记录 {row.pk} 已重新加入上传队列")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supplier_finance:batch", pk=row.batch_id)


@purchasing_only
def batch(request, pk):
    item = get_object_or_404(Batch, pk=pk)
    page = Paginator(selectors.purchases_of_batch(batch=item), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "supplier_finance/batch.html",
        {"batch": item, "progress": selectors.batch_progress(batch=item), "page": page},
    )


# --- finance -----------------------------------------------------------------------------------------------------


def _finance_filters(request) -> dict:
    month = None
    text = request.GET.get("month", "").strip()
    if text:
        try:
            month = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            messages.error(request, "月份格式应为 yyyy-MM")
    pay_flag = request.GET.get("pay_flag", "")
    return {
        "supplier": request.GET.get("supplier", "").strip(),
        "month": month,
        "pay_flag": pay_flag if pay_flag in ("0", "1") else "",
    }


@role_required(FINANCE)
def finance(request):
    filters = _finance_filters(request)
    return render(
        request,
        "supplier_finance/finance.html",
        {"rows": selectors.finance_summary(**filters), "filters": filters, "query": request.GET.urlencode()},
    )


@role_required(FINANCE)
def finance_export(request):
    filters = _finance_filters(request)
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["供应商", "月份", "类型", "记录数", "发票数", "金额", "税额", "已支付", "未支付"])
    kinds = dict(Kind.choices)
    for row in selectors.finance_summary(**filters):
        summary.append([
            row["purchase__spler_name"], row["month"].strftime("%Y-%m") if row["month"] else "",
            kinds[row["purchase__kind"]], row["records"], row["invoices"],
            row["amount"], row["tax"], row["paid"] or 0, row["unpaid"] or 0,
        ])  # fmt: skip
    detail = book.create_sheet("发票明细")
    detail.append(["供应商", "类型", "入库时间", "目录名称", "批次流水号", "票据名称", "纳税人识别号", "发票号码",
                   "开票日期", "金额", "税率", "税额", "数量", "单价", "支付标志", "上传状态"])  # fmt: skip
    for invoice in selectors.finance_invoices(**filters):
        p = invoice.purchase
        detail.append([
            p.spler_name, p.get_kind_display(),
            timezone.localtime(p.purc_retn_stoin_time).strftime("%Y-%m-%d %H:%M:%S"),
            p.fixmedins_hilist_name, p.fixmedins_bchno, invoice.enterpriseName, invoice.socialCode,
            invoice.invoiceNo, invoice.invoiceDate, invoice.taxAmount, invoice.taxRate, invoice.taxrateAmount,
            invoice.purcCnt, invoice.trnsPpric, "已支付" if invoice.pay_flag == "1" else "未支付",
            p.get_status_display(),
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="supplier-purchases.xlsx"'
    return response
