from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.roles import DOCTOR, role_required
from apps.reports import selectors, services
from apps.reports.forms import DetailFormSet, ReportForm
from apps.reports.models import ExamTest, Report, ReportState

MAX_UPLOAD = 5 * 1024 * 1024


@role_required(DOCTOR)
def report_list(request):
    exam_test = request.GET.get("examTest", "")
    state = request.GET.get("state", "")
    # A treating doctor sees his own patients' reports first; the desk's "all reports" is one click away.
    doctor = getattr(request.user, "doctor", None)
    mine = doctor is not None and request.GET.get("all") != "1"
    reports = selectors.reports_for_staff(
        doctor=doctor if mine else None,
        query=request.GET.get("q", "").strip()[:30],
        examTest=exam_test if exam_test in ExamTest.values else "",
        state=state if state in ReportState.values else "",
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {"page": page, "tests": ExamTest.choices, "states": ReportState.choices, "examTest": exam_test,
         "state": state, "q": request.GET.get("q", ""), "doctor": doctor, "mine": mine},
    )  # fmt: skip


@role_required(DOCTOR)
def report_detail(request, pk):
    report = get_object_or_404(Report.objects.select_related("patient").prefetch_related("details"), pk=pk)
    return render(request, "reports/detail.html", {"report": report})


@role_required(DOCTOR)
@require_POST
def report_publish(request, pk):
    report = services.report_publish(report=get_object_or_404(Report, pk=pk))
    messages.success(request, f"报告 {report.rpotcNo} 已发布，已通知患者。")
    return redirect("reports:detail", pk=pk)


@role_required(DOCTOR)
def report_new(request):
    """Enter one report by hand: its header, and for a lab report its result lines. Saved as 待发布."""
    form = ReportForm(request.POST or None)
    details = DetailFormSet(request.POST or None, prefix="details")
    if request.method == "POST" and form.is_valid() and details.is_valid():
        report = services.report_create(report=form.save(commit=False), details=details)
        messages.success(request, f"报告 {report.rpotcNo} 已保存，核对后请发布。")
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/new.html", {"form": form, "details": details})


@role_required(DOCTOR)
def report_import(request):
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 CSV 文件")
        elif upload.size > MAX_UPLOAD:
            messages.error(request, "文件超过 5 MB")
        else:
            try:
                result = services.reports_import(raw=upload.read())
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                if not result.errors:
                    messages.success(request, f"共 {result.reports} 份报告，新建 {result.created} 份（待发布）。")
    return render(request, "reports/import.html", {"result": result})


@role_required(DOCTOR)
def report_template(request):
    response = HttpResponse("\ufeff" + ",".join(services.COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reports-template.csv"'
    return response
