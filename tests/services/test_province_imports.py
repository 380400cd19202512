"""Importing forms of other provinces stores them in their layout, with nothing they wrote left out."""

from decimal import Decimal

from django.template.loader import render_to_string

from checks.models import FilingCheck
from indicators.models import FormTemplate, Indicator
from projects.models import Department, Filing
from projects.services.imports import SourceFile, import_filings, read_source
from projects.services.previews import text_import
from tests.helpers.provinces import GANSU, HUNAN, SICHUAN


def _row(indicator: Indicator) -> tuple:
    return (
        indicator.category.parent.name,
        indicator.category.name,
        indicator.name,
        indicator.nature,
        indicator.value,
        indicator.measure,
        indicator.weight,
        indicator.direction,
    )


def test_a_sichuan_form_is_stored_in_its_layout(empty_database):
    result = import_filings(sources=[read_source(SICHUAN)], year=2023)
    (filing,) = result.created
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.template.code == "sc-2023"
    assert filing.form_kind.indicators.headings == (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "权重",
        "指标方向性",
    )
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}
    assert filing.value("current_amount") == Decimal("3309840.00")
    assert filing.department.name == "井研县马踏镇人民政府"
    assert filing.department.code == "820001"
    assert filing.department.parent is not None and filing.department.parent.code == "820"
    rows = filing.indicators.select_related("category__parent").order_by("position")
    assert _row(rows[0]) == ("效益", "社会效益", "维护社会稳定", "≥", "95", "%", Decimal(10), "正向指标")
    assert _row(rows[2]) == ("产出", "质量", "按时发放", "≥", "1", "人/年", Decimal(10), "正向指标")
    # The parts the checks and the lists read are those of the whole target (≥ · 95 · %).
    assert (rows[0].value_kind, rows[0].comparator, rows[0].number, rows[0].unit) == ("quantity", "≥", 95, "%")
    assert rows[2].unit == "人/年"
    assert sum(row.weight for row in rows) == 90


def test_a_gansu_form_is_stored_with_the_fields_its_layout_adds(empty_database):
    (filing,) = import_filings(sources=[read_source(GANSU)], year=2023).created
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.template.code == "gs-2023"
    assert filing.amount_unit == "万元"
    assert filing.value("current_amount") == Decimal("200000")  # 20万元, kept in 元
    assert filing.value("is_new") is True
    assert filing.value("project_type") == "专项工作经费"
    kind = filing.form_kind
    assert kind.field("is_new").label == "项目类型" and kind.field("is_new").show(True, "万元") == "新增项目"
    assert not kind.has_field("duration_years")
    added = {kind.field(name).label: filing.value(name) for name in kind.layout_names if name.startswith("extra_")}
    assert added["资金用途"] == "业务类项目" and added["其他资金"] == "20万元"
    assert set(filing.extra_fields) == {*added, "一级项目名称（未关联）"}  # in the form's own order
    # The 一级项目 it names is not filed yet: its name is kept, not lost, until it is.
    assert filing.value("program") is None
    assert filing.extra_fields["一级项目名称（未关联）"] == "文化事业发展专项资金"
    rows = filing.indicators.select_related("category__parent").order_by("position")
    assert [(row.category.parent.name, row.category.name) for row in rows][3:6] == [
        ("成本", "经济成本"),
        ("成本", "社会成本"),
        ("成本", "生态环境成本"),
    ]
    assert (rows[3].number, rows[3].unit) == (100, "%")  # =100百分比


def test_a_form_in_an_unknown_layout_keeps_its_other_fields(empty_database):
    (filing,) = import_filings(sources=[read_source(HUNAN)], year=2022).created
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.template.code == "sz-2020"
    assert filing.extra_fields["项目负责人及电话"] == "彭兵"
    assert filing.extra_fields["其中：财政拨款"].startswith("854万854万(")
    assert filing.value("current_amount") == Decimal("8540000")
    assert filing.indicators.count() == 12


def test_importing_the_same_form_again_changes_nothing(empty_database):
    import_filings(sources=[read_source(SICHUAN)], year=2023)
    before = Filing.objects.get()
    rows_before = [_row(row) for row in before.indicators.select_related("category__parent").order_by("position")]
    result = import_filings(sources=[read_source(SICHUAN)], year=2023)
    assert [filing.pk for filing in result.updated] == [before.pk]
    after = Filing.objects.get()
    assert (after.template_id, after.extra_fields) == (before.template_id, before.extra_fields)
    assert [_row(row) for row in after.indicators.select_related("category__parent").order_by("position")] == (
        rows_before
    )
    assert Department.objects.count() == 2


def _findings(filing: Filing) -> list[tuple[str, str, str]]:
    """The stored findings of an imported filing: rule, severity and what they are about."""
    check = FilingCheck.objects.get(filing=filing)
    return [(finding.rule_id, finding.severity, finding.subject) for finding in check.finding_list()]


def test_the_gansu_form_is_checked_in_its_layout(empty_database):
    (filing,) = import_filings(sources=[read_source(GANSU)], year=2023).created
    found = _findings(filing)
    # 经济成本 =100百分比 is no amount; 社会成本 长远 is vague, but no cost to be money.
    assert ("cost_target", "error", "成本/经济成本 · 资金使用效率") in found
    assert ("vague_value", "warning", "成本/社会成本 · 对当地文物保护、文化传承影响") in found
    assert not [f for f in found if f[0] == "cost_target" and "社会成本" in f[2]]
    # The layout has neither 实施期限 nor 指标解释 nor weights: none is asked for.
    assert not [f for f in found if f[0] in ("weights_total",) or "实施期限" in f[2] or "指标解释" in f[2]]


def test_the_sichuan_weights_of_90_are_right_and_100_would_not_be(empty_database):
    (filing,) = import_filings(sources=[read_source(SICHUAN)], year=2023).created
    assert not [f for f in _findings(filing) if f[0] == "weights_total"]
    text = SICHUAN.read_text(encoding="utf-8").replace("≥\t1\t年\t20", "≥\t1\t年\t30")
    (changed,) = import_filings(sources=[SourceFile("sichuan.txt", text)], year=2023).updated
    (weights,) = [f for f in _findings(changed) if f[0] == "weights_total"]
    assert weights[1] == "error"
    message = next(
        f.message for f in FilingCheck.objects.get(filing=changed).finding_list() if f.rule_id == "weights_total"
    )
    assert "100" in message and "90" in message and "预算执行率" in message


def test_the_import_preview_checks_a_form_in_its_own_layout(empty_database, django_user_model):
    admin = django_user_model.objects.create_superuser("chief", password="x")
    preview = text_import(sources=[read_source(SICHUAN)], user=admin, year=2023, dry_run=True)
    (change,) = preview.changes
    # Checked in 四川's layout: no 指标解释 asked for, no 实施期限, and the weights of 90 are right.
    assert [finding.rule_id for finding in change.findings] == []
    assert Filing.objects.count() == 0


def test_the_named_first_level_project_is_linked_once_it_is_filed(empty_database):
    (filing,) = import_filings(sources=[read_source(GANSU)], year=2023).created
    unit = Filing.objects.get(pk=filing.pk).department
    program = Filing.objects.create(
        kind="program",
        template=FormTemplate.default("program"),
        department=unit,
        fiscal_year=2023,
        name="文化事业发展专项资金",
    )
    import_filings(sources=[read_source(GANSU)], year=2023)
    filing = Filing.objects.get(pk=filing.pk)
    assert filing.value("program") == program
    assert "一级项目名称（未关联）" not in filing.extra_fields


def test_the_preview_of_a_new_gansu_filing_lists_every_field_in_its_layouts_words(empty_database, admin_user):
    (change,) = text_import(sources=[read_source(GANSU)], user=admin_user, year=2023, dry_run=True).changes
    shown = {field.label: field.after for field in change.fields}
    assert shown["项目类型"] == "新增项目" and shown["项目分类"] == "专项工作经费"
    assert shown["资金用途"] == "业务类项目" and shown["其他资金"] == "20万元"
    assert shown["一级项目名称（未关联）"] == "文化事业发展专项资金"


def test_the_preview_of_a_changed_weight_shows_the_weight(empty_database, admin_user):
    import_filings(sources=[read_source(SICHUAN)], year=2023)
    text = SICHUAN.read_text(encoding="utf-8").replace("≥\t1\t年\t20", "≥\t1\t年\t30")
    preview = text_import(sources=[SourceFile("sichuan.txt", text)], user=admin_user, year=2023, dry_run=True)
    (change,) = preview.changes
    (row,) = change.rows
    assert (row.kind, row.columns) == ("changed", ["权重"])
    assert ("weight", "权重") in change.columns and ("nature", "指标性质") in change.columns
    html = render_to_string("projects/excel/_change.html", {"change": change})
    assert "<th>权重</th>" in html and "<td>20</td>" in html and "<td>30</td>" in html


def test_a_form_that_fits_two_layouts_alike_keeps_its_filings_layout(empty_database):
    # A second layout exactly like 四川's (a county's copy of it): a 四川 form fits both alike.
    sichuan = FormTemplate.objects.get(code="sc-2023")
    copy = FormTemplate.objects.get(pk=sichuan.pk)
    copy.pk, copy.code, copy.name = None, "sc-2023-county", "四川（县级）"
    copy.save()
    for level1 in sichuan.level1_categories.prefetch_related("children"):
        children = list(level1.children.all())
        level1.pk, level1.template = None, copy
        level1.save()
        for child in children:
            child.pk, child.parent = None, level1
            child.save()
    (filing,) = import_filings(sources=[read_source(SICHUAN)], year=2023).created
    assert Filing.objects.get(pk=filing.pk).template == sichuan  # the first of the two alike
    Filing.objects.filter(pk=filing.pk).update(template=copy)
    Indicator.objects.filter(filing_id=filing.pk).delete()
    import_filings(sources=[read_source(SICHUAN)], year=2023)
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.template == copy
    assert {row.category.parent.template_id for row in stored.indicators.select_related("category__parent")} == {
        copy.pk
    }
