"""Finance's screens: the days, one day's totals and findings, the discrepancy list with notes and exports, and
importing a file (uploaded, or fetched from the platform) in the worker with its progress on the page."""

import csv
import datetime
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.roles import FINANCE, role_required
from apps.reconciliation import jobs, selectors, services
from apps.reconciliation.models import Category, CheckFile, Direction, Discrepancy, FileState, Source

MAX_UPLOAD = 512 * 1024 * 1024


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("日期格式不正确") from None


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


@role_required(FINANCE)
def index(request):
    yesterday = _yesterday()
    return render(
        request,
        "reconciliation/index.html",
        {
            "days": selectors.recent_days(),
            "yesterday": yesterday,
            "chart": selectors.chart_series(end=yesterday),
        },
    )


@role_required(FINANCE)
def day(request, day):
    bill_date = _day(day)
    file = selectors.current_file(bill_date)
    files = list(selectors.day_files(bill_date))
    running = next((f for f in files if f.state in (FileState.RECEIVED, FileState.IMPORTING)), None)
    return render(
        request,
        "reconciliation/day.html",
        {
            "day": bill_date,
            "file": file,
            "summary": file.summary if file else {},
            "categories": selectors.category_counts(file),
            "checks": selectors.gateway_checks(bill_date),
            "details": selectors.gateway_details(bill_date),
            "files": files,
            "running": running,
            "attempts": selectors.fetch_attempts(bill_date),
        },
    )


def _filtered(request, bill_date):
    file = selectors.current_file(bill_date)
    if file is None:
        raise Http404("该日尚未导入对账文件")
    filters = {
        "category": request.GET.get("category", ""),
        "direction": request.GET.get("direction", ""),
        "explained": request.GET.get("explained", ""),
        "order_no": request.GET.get("order_no", ""),
    }
    return file, filters, selectors.discrepancies(file=file, **filters)


@role_required(FINANCE)
def discrepancies(request, day):
    bill_date = _day(day)
    file, filters, rows = _filtered(request, bill_date)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reconciliation/discrepancies.html",
        {
            "day": bill_date,
            "file": file,
            "page": page,
            "count": rows.count(),
            "filters": filters,
            "query": query.urlencode(),
            "categories": Category.choices,
            "directions": Direction.choices,
        },
    )


EXPORT_HEADER = ["对账日期", "差异类型", "方向", "订单号", "平台金额", "本院金额", "平台状态", "本院状态", "说明",
                 "说明人", "说明时间"]  # fmt: skip


def _export_rows(rows):
    for d in rows.iterator(chunk_size=2000):
        yield [
            d.bill_date.isoformat(), d.get_category_display(), d.get_direction_display(), d.order_no,
            "" if d.platform_amount is None else f"{d.platform_amount:.2f}",
            "" if d.local_amount is None else f"{d.local_amount:.2f}",
            d.platform_status_label, d.local_status_label, d.note_text or "", d.note_by or "",
            timezone.localtime(d.note_at).strftime("%Y-%m-%d %H:%M") if d.note_at else "",
        ]  # fmt: skip


@role_required(FINANCE)
def export(request, day, fmt):
    bill_date = _day(day)
    _, _, rows = _filtered(request, bill_date)
    name = f"对账差异_{bill_date.isoformat()}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(_export_rows(rows))
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("对账差异")
        sheet.append(EXPORT_HEADER)
        for row in _export_rows(rows):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404("不支持的导出格式")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return response


@role_required(FINANCE)
def explain(request, pk):
    discrepancy = get_object_or_404(Discrepancy.objects.select_related("file", "movement"), pk=pk)
    back = reverse("reconciliation:discrepancies", args=[discrepancy.bill_date.isoformat()])
    if request.method == "POST":
        try:
            text = request.POST.get("text", "")
            services.discrepancy_explain(discrepancy=discrepancy, text=text, author=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已记录订单 {discrepancy.order_no} 的说明。")
            return redirect(back)
    return render(
        request,
        "reconciliation/explain.html",
        {"d": discrepancy, "notes": selectors.discrepancy_notes(discrepancy), "back": back},
    )


@role_required(FINANCE)
@require_POST
def upload(request):
    day_text = request.POST.get("date", "")
    try:
        bill_date = datetime.date.fromisoformat(day_text)
    except ValueError:
        messages.error(request, "请选择对账日期。")
        return redirect("reconciliation:index")
    uploaded = request.FILES.get("file")
    if uploaded is None or uploaded.size == 0:
        messages.error(request, "请选择要导入的对账文件。")
        return redirect("reconciliation:index")
    if uploaded.size > MAX_UPLOAD:
        messages.error(request, "文件超过512MB，请用命令 import_check_file 导入。")
        return redirect("reconciliation:index")
    file, same = services.check_file_store(
        stream=uploaded, bill_date=bill_date, source=Source.UPLOAD, source_detail=uploaded.name[:300],
        user=request.user,
    )  # fmt: skip
    if same:
        messages.info(request, "该文件与已导入的文件完全相同，未作改动。")
    else:
        jobs.import_later(file.pk)
        messages.success(request, "文件已接收，正在后台导入，本页显示进度。")
    return redirect("reconciliation:day", day=bill_date.isoformat())


@role_required(FINANCE)
@require_POST
def fetch(request):
    try:
        bill_date = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, "请选择对账日期。")
        return redirect("reconciliation:index")
    jobs.fetch_later(bill_date)
    messages.success(request, "已请后台从平台下载该日对账文件并导入，本页显示进度。")
    return redirect("reconciliation:day", day=bill_date.isoformat())


@role_required(FINANCE)
def progress(request, pk):
    file = get_object_or_404(CheckFile, pk=pk)
    return JsonResponse(
        {"state": file.state, "state_label": file.get_state_display(), "progress": file.progress, "error": file.error}
    )
