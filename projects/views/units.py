"""A unit's year on one page (its filings added up, its 部门整体 form against its projects), its
exports, the links a filer makes between tasks and projects, and the district view over many units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from budgetperf.downloads import safe_filename
from projects import overview, selectors
from projects.charts import bar_chart
from projects.models import Role
from projects.services.reconciliation import task_link_set
from projects.services.unit_year_export import unit_year_pdf, unit_year_workbook
from projects.services.writing import FilingError
from projects.typing import SignedInRequest
from projects.views.lists import amount_unit

LINK_ACTIONS = {"link": True, "unlink": False, "reset": None}
# The district table's columns: (sort key, heading, numeric).
COLUMNS = [
    ("unit", "预算单位", False),
    ("filings", "申报表", True),
    ("current", "二级项目本年度金额", True),
    ("draft", "草稿", True),
    ("submitted", "已送审", True),
    ("returned", "已退回", True),
    ("approved", "审核通过", True),
    ("errors", "检查错误", True),
    ("differences", "整体表与项目不符", True),
]


def _context(request: HttpRequest, department_id: int, year: int) -> dict:
    department = selectors.department_for(request.user, department_id)
    summary = overview.unit_year(department, year)
    unit = amount_unit(request)
    overall = summary.overall
    return {
        "summary": summary,
        "unit": unit,
        "charts": [
            bar_chart(
                "二级项目本年度金额（按一级项目）", [(r.label, r.current) for r in summary.by_program], unit=unit
            ),
            bar_chart("二级项目本年度金额（按项目类型）", [(r.label, r.current) for r in summary.by_type], unit=unit),
            bar_chart("申报表审核状态", [(label, total) for _, label, _, total in summary.statuses]),
        ],
        "can_link": overall is not None and selectors.can_file_for(request.user, overall),
        "link_options": _link_options(summary) if overall is not None else "",
        "years": overview.district_years(selectors.departments_for(request.user).filter(pk=department.pk)),
    }


def _link_options(summary: overview.UnitYear) -> SafeString:
    """The projects any task may be linked to by hand, 一级 ones first, as the options of every task's
    select: made once, not once per task (a unit may have hundreds of projects and tens of tasks)."""
    projects = sorted(
        summary.reconciliation.projects if summary.reconciliation else [], key=lambda p: (p.kind != "program", p.name)
    )
    return format_html_join(
        "",
        '<option value="{}">{}{}</option>',
        ((p.filing_id, "一级 · " if p.kind == "program" else "", p.name) for p in projects),
    )


@login_required
def unit_year_view(request: HttpRequest, department_id: int, year: int) -> HttpResponse:
    return render(request, "projects/unit_year.html", _context(request, department_id, year))


@login_required
def unit_year_xlsx(request: HttpRequest, department_id: int, year: int) -> HttpResponse:
    summary = _context(request, department_id, year)["summary"]
    response = HttpResponse(
        unit_year_workbook(summary), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _attachment(summary, "xlsx")
    return response


@login_required
def unit_year_pdf_view(request: HttpRequest, department_id: int, year: int) -> HttpResponse:
    context = _context(request, department_id, year)
    response = HttpResponse(unit_year_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = _attachment(context["summary"], "pdf")
    return response


def _attachment(summary: overview.UnitYear, extension: str) -> str:
    from urllib.parse import quote

    name = safe_filename(f"{summary.department.name}_{summary.year}年度概览.{extension}")
    return f"attachment; filename*=UTF-8''{quote(name)}"


@login_required
@require_POST
def task_link_view(request: SignedInRequest, department_id: int, year: int) -> HttpResponse:
    department = selectors.department_for(request.user, department_id)
    visible = selectors.filings_for(request.user, role=Role.FILER).filter(department=department, fiscal_year=year)
    overall = visible.filter(kind="overall").first()
    action = request.POST.get("action", "")
    if overall is None or action not in LINK_ACTIONS:
        raise Http404("没有找到该单位本年度的部门整体表，或您不是该单位的填报人")
    back = redirect(reverse("projects:unit_year", args=[department.pk, year]) + "#reconciliation")
    filing = visible.filter(pk=request.POST.get("filing") or 0, kind__in=["program", "project"]).first()
    if filing is None:
        messages.error(request, "请选择本单位本年度的一级或二级项目")
        return back
    task = request.POST.get("task", "")
    try:
        task_link_set(user=request.user, overall=overall, task_name=task, filing=filing, linked=LINK_ACTIONS[action])
    except FilingError as error:
        messages.error(request, error.message)
    else:
        done = {"link": "已对应", "unlink": "已取消对应", "reset": "已恢复按名称对应"}[action]
        messages.success(request, f"年度主要任务“{task}”与“{filing.title}”{done}")
    return back


@login_required
def district_view(request: HttpRequest) -> HttpResponse:
    departments = selectors.departments_for(request.user)
    years = overview.district_years(departments)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    sort = request.GET.get("sort", "unit")
    if sort.lstrip("-") not in overview.SORT_KEYS:
        sort = "unit"
    rows = overview.district(departments, year, sort=sort) if year else []
    return render(
        request,
        "projects/district.html",
        {"rows": rows, "year": year, "years": years, "sort": sort, "unit": amount_unit(request), "columns": COLUMNS},
    )
