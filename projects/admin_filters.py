"""What the admin's lists of filings and their rows need to answer at a city's size.

Django's own list filters find their choices with a ``SELECT DISTINCT`` over the whole list (every
budget year, unit and 项目类型 among 100,000 filings; every kind among their 1.4 million 三级指标
rows); these read them by index probes (``projects.choices``), from the kinds' registry, or from the
units the user holds a role over. Searches go through the bigram indexes (``projects.search``,
indicators 0009) instead of comparing every row's texts. The rows' list is counted up to a cap: an
exact count of 1.4 million rows alone takes longer than a page may.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet, Value

from indicators.models import Indicator
from projects import choices, selectors
from projects.kinds import all_kinds
from projects.models import Department, Filing
from projects.search import bigrams, indexed_bigrams, search_filings

MANY = 200  # found more often than this, rows are found by reading the list in order (search_rows)


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise IncorrectLookupParameters(value) from None


class YearFilter(admin.SimpleListFilter):
    """The budget years of the admin's kind (of every kind on a list of rows), by index probes."""

    title = "预算年度"
    parameter_name = "fiscal_year__exact"
    field = "fiscal_year"

    def lookups(self, request, model_admin):
        kind = getattr(model_admin, "kind", None)
        kinds = [kind] if kind else [each.code for each in all_kinds()]
        years = sorted({year for code in kinds for year in choices.filing_years(code)}, reverse=True)
        return [(str(year), f"{year}年度") for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(**{self.field: _number(value)})


class RowYearFilter(YearFilter):
    parameter_name = "filing__fiscal_year__exact"
    field = "filing__fiscal_year"


class UnitFilter(admin.SimpleListFilter):
    """The units the user holds a role over, not those found by reading every filing. More than
    ``LISTED`` (an administrator's 500 units) are not listed, but for the one chosen: the search box
    finds filings by their unit's name."""

    title = "填报单位"
    parameter_name = "department__id__exact"
    LISTED = 60

    def lookups(self, request, model_admin):
        units = selectors.departments_for(request.user).values_list("pk", "name")
        listed = [(str(pk), name) for pk, name in units[: self.LISTED + 1]]
        if len(listed) <= self.LISTED:
            return listed
        chosen = self.value()
        return [(str(pk), name) for pk, name in units.filter(pk=_number(chosen))] if chosen else []

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(department_id=_number(value))


class ProjectTypeFilter(admin.SimpleListFilter):
    """The 项目类型 written on 二级 forms, by index probes."""

    title = "项目类型"
    parameter_name = "project_header__project_type"

    def lookups(self, request, model_admin):
        return [(name, name) for name in choices.project_types()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(project_header__project_type=value)


class RowKindFilter(admin.SimpleListFilter):
    """The kind of form a row belongs to, from the kinds' registry."""

    title = "申报表类型"
    parameter_name = "filing__kind__exact"

    def lookups(self, request, model_admin):
        return [(kind.code, kind.short_name) for kind in all_kinds()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(filing__kind=value)


def search_unit_filings(filings: QuerySet[Filing], text: str) -> QuerySet[Filing]:
    """The filings whose code or name contains ``text``, or whose unit's name does (the units are
    few: their ids are read first, and the filings found by the index on the unit)."""
    text = text.strip()
    found = search_filings(filings, text)
    if not text:
        return found
    units = list(Department.objects.filter(name__icontains=text).values_list("pk", flat=True))
    return found | filings.filter(department_id__in=units) if units else found


def search_rows(rows: QuerySet[Indicator], text: str) -> QuerySet[Indicator]:
    """The rows whose 三级指标 or value contains ``text``, or whose filing's code or name does.

    What is found few times is found by the indexes (the filings' bigrams then the index on the
    filing; the rows' own bigrams); what is found many times (满意度: one row in twenty) is in every
    stretch of the list, whose page is then soon read in order, comparing texts. One probe of each
    index tells which: the planner, estimating a fragment's bigrams as independent, cannot.
    """
    text = text.strip()
    if not text:
        return rows
    filings = search_filings(Filing.objects.all(), text).values_list("pk", flat=True)
    found = list(filings[: MANY + 1])
    of_filings = Q(filing_id__in=found) if len(found) <= MANY else Q(filing__in=filings)
    own = Q(name__icontains=text) | Q(value__icontains=text)
    grams = bigrams(text)
    if connection.vendor != "postgresql" or not grams:
        return rows.filter(own | of_filings)
    indexed = indexed_bigrams("name", "value")
    by_index = Indicator.objects.alias(search_bigrams=indexed).filter(own, search_bigrams__contains=Value(grams))
    if by_index.order_by()[: MANY + 1].count() > MANY:
        return rows.filter(own | of_filings)
    return rows.alias(search_bigrams=indexed).filter((own & Q(search_bigrams__contains=Value(grams))) | of_filings)


class CappedPaginator(Paginator):
    """Counts the list up to ``CAP`` rows: beyond, the list ends there and a message asks for a
    filter or a search. The rows past the cap are still those the list's actions act on."""

    CAP = 1_000

    def __init__(self, object_list: QuerySet, *args, request=None, **kwargs):
        super().__init__(object_list, *args, **kwargs)
        self.queryset = object_list
        self.request = request

    @cached_property
    def count(self) -> int:
        counted = self.queryset.order_by()[: self.CAP + 1].count()
        if counted <= self.CAP:
            return counted
        if self.request is not None:
            messages.info(
                self.request, f"符合条件的超过 {self.CAP:,} 条，只列出前 {self.CAP:,} 条；请用筛选或搜索缩小范围"
            )
        return self.CAP


class CappedCount:
    """A ModelAdmin mixin: the list counted up to ``CappedPaginator.CAP``, never counted twice. (Its rows'
    check boxes are written without a template each by the form renderer, ``budgetperf.form_rendering``.)"""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedPaginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, request=request
        )
