from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from indicators.models import Indicator
from projects.history import filing_timeline
from projects.models import Department, Filing, Status
from projects.services.imports import FilingImportError, SourceFile, import_filings, read_source
from tests.helpers.samples import BAOAN, BAOAN_OVERALL, DAPENG, FUTIAN, PROJECT_FILES, SAMPLE_FILES, SHENSHAN

pytestmark = pytest.mark.django_db


def _rows(filing):
    return [
        (i.category.parent.name, i.category.name, i.name, i.value, i.explanation, i.not_applicable)
        for i in filing.indicators.select_related("category__parent").order_by("position")
    ]


def _project(code):
    return Filing.objects.select_related("department", "project_header__top_unit").get(kind="project", code=code)


def test_it_imports_all_109_sample_filings_with_per_file_counts(empty_database):
    result = import_filings(sources=[read_source(path) for path in SAMPLE_FILES])
    assert len(result.created) == 109 and result.updated == []
    assert Filing.objects.count() == 109
    assert Filing.objects.filter(kind="project").count() == 100
    assert Filing.objects.filter(kind="project", source_file=BAOAN.name).count() == 21
    assert Filing.objects.filter(kind="project", source_file=FUTIAN.name).count() == 41
    assert Filing.objects.filter(kind="project", source_file=SHENSHAN.name).count() == 38
    assert sorted(Filing.objects.filter(source_file=DAPENG.name).values_list("kind", flat=True)) == sorted(
        ["overall"] + ["program"] * 7
    )
    assert list(Filing.objects.filter(source_file=BAOAN_OVERALL.name).values_list("kind", flat=True)) == ["overall"]


def test_it_stores_a_baoan_filing_field_by_field_with_amounts_in_yuan(samples):
    filing = _project("440306210601500000540")
    header = filing.project_header
    assert filing.kind == "project"
    assert filing.name == "新开办企业刻制公章补贴经费"
    assert filing.department.name == "深圳市宝安区政务服务数据管理局(本级)"
    assert header.top_unit == filing.department
    assert header.duration_years == 4
    assert header.project_type == "15 其他经费"
    assert header.is_new is False
    assert header.allocation == "因素法和项目法"
    assert filing.amount_unit == "元"
    assert header.total_amount == Decimal("49235800.00")
    assert header.current_amount == Decimal("10698600.00")
    assert header.policy_basis.startswith("根据《深圳市人民政府办公厅关于印发新开办企业免费刻制公章的通知》")
    assert header.calculation_basis.startswith("包括三个项目: 一、按每月新开办企业印章量2768套/月")
    assert header.annual_goal.startswith("进一步优化宝安区营商环境")
    assert filing.fiscal_year == 2023
    assert _rows(filing)[:4] == [
        ("产出", "数量", "服务企业数量", "≤4万家", "考察本项目服务企业的数量,根据工作任务取值。", False),
        ("产出", "质量", "经费发放率", "≥90%", "考察本项目经费的发放率,根据工作任务取值。", False),
        ("产出", "时效", "经费发放及时性", "2023年12月前", "考察本项目经费发放的及时性,根据年度来发放。", False),
        ("产出", "成本", "项目总成本", "≤1500万元", "考察本项目所产生的总成本,根据年初预算安排取值。", False),
    ]
    assert len(_rows(filing)) == 10


def test_it_converts_wan_yuan_amounts_exactly_and_remembers_the_unit(samples):
    filing = _project("440304221061500600011")
    header = filing.project_header
    assert filing.name == "民意速办"
    assert filing.amount_unit == "万元"
    assert header.total_amount == Decimal("8490000.00")
    assert header.current_amount == Decimal("2830000.00")
    assert filing.in_filing_unit(header.current_amount) == Decimal("283")
    assert header.policy_basis_label == "项目概况"


def test_it_keeps_several_rows_under_one_category_and_reads_shifted_rows(samples):
    rows = _rows(_project("440304221061500600011"))
    assert [r[2] for r in rows if r[1] == "数量"] == ["驻场技术人数", "驻场服务人数"]
    assert [r[2] for r in rows if r[1] == "时效"] == [
        "12345业务工作分拨及时率",
        "城区治理平台分拨及时性",
        "平台事件分拨及时率",
    ]
    # These rows are shifted one column in the source: "\t效益\t经济效益\t不适用\t不适用".
    assert ("效益", "经济效益") in {(r[0], r[1]) for r in rows if r[5]}
    assert [r[2] for r in rows if r[1] == "社会效益"] == [
        "畅通民生诉求渠道，解决民生问题",
        "提升城区治理水平",
        "畅通民生诉求渠道，解决民生问题",
    ]
    assert [(r[0], r[1]) for r in rows if r[5]] == [
        ("效益", "经济效益"),
        ("效益", "生态效益"),
        ("效益", "可持续影响"),
        ("满意度", "其他满意度"),
    ]


def test_it_reads_a_shenshan_filing_with_indicator_suffixes(samples):
    filing = _project("440313231211501105025")
    header = filing.project_header
    assert filing.name == "2023年度深汕新型智慧城市项目技术审核和造价咨询服务采购项目"
    assert header.current_amount == Decimal("1080384.76")
    assert header.total_amount == Decimal("1544174.00")
    assert header.allocation == "项目法"
    assert header.project_type == "15 履职类(运转)项目"
    rows = _rows(filing)
    assert rows[0][:4] == ("产出", "数量", "技术审核或造价咨询文件数量", "≥2")
    assert rows[3][:4] == ("产出", "成本", "成本控制率", "≤100%")


def test_it_makes_units_written_with_different_brackets_one_department(empty_database):
    import_filings(sources=[read_source(path) for path in PROJECT_FILES])
    assert Department.objects.count() == 5
    baoan = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    assert baoan.filings.count() == 21
    assert baoan.district == "宝安区"
    centre = Department.objects.get(name="深圳市福田区政务服务中心")
    assert centre.parent is not None
    assert centre.parent.name == "深圳市福田区政务服务数据管理局（本级）"
    assert centre.district == "福田区"


def test_the_other_kinds_add_their_units_and_file_under_the_same_department(samples):
    # 大鹏's forms name one unit; 宝安's 部门整体 form names its 主管部门, a unit of its own.
    assert Department.objects.count() == 7
    baoan = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    assert baoan.filings.filter(kind="project").count() == 21
    assert list(baoan.filings.exclude(kind="project").values_list("kind", "fiscal_year")) == [("overall", 2023)]
    assert baoan.parent is not None and baoan.parent.name == "深圳市宝安区政务服务数据管理局"
    dapeng = Department.objects.get(name="深圳市大鹏新区政务服务数据管理局")
    assert sorted(dapeng.filings.values_list("kind", flat=True)) == sorted(["overall"] + ["program"] * 7)


def test_it_stores_the_parsed_value_of_every_indicator(samples):
    row = Indicator.objects.get(filing__code="440306210601500000540", name="项目总成本")
    assert (row.value_kind, row.comparator, row.number, row.unit) == ("quantity", "≤", Decimal("1500"), "万元")
    deadline = Indicator.objects.get(filing__code="440306210601500000540", name="经费发放及时性")
    assert (deadline.value_kind, deadline.comparator, deadline.number, deadline.unit, deadline.deadline) == (
        "deadline",
        "≤",
        None,
        "",
        date(2023, 12, 31),
    )
    vague = Indicator.objects.get(filing__code="440306210601500000540", name="政府营商环境提升程度")
    assert (vague.value_kind, vague.comparator, vague.number) == ("qualitative", "", None)
    not_applicable = Indicator.objects.filter(filing__code="440306210601500000540", not_applicable=True).first()
    assert not_applicable is not None and not_applicable.value_kind == ""


def test_reimporting_a_file_updates_instead_of_duplicating(samples):
    filing = _project("440306210601500000540")
    filing.name = "改过的名称"
    filing.save()
    filing.indicators.all().delete()
    result = import_filings(sources=[read_source(BAOAN)])
    assert len(result.created) == 0 and len(result.updated) == 21
    assert Filing.objects.filter(kind="project").count() == 100
    assert Filing.objects.count() == 109
    filing.refresh_from_db()
    assert filing.name == "新开办企业刻制公章补贴经费"
    assert filing.indicators.count() == 10


def test_the_year_option_wins_over_the_inferred_year(empty_database):
    result = import_filings(sources=[read_source(BAOAN)], year=2031)
    assert result.years[BAOAN.name] == (2031, "指定")
    assert set(Filing.objects.values_list("fiscal_year", flat=True)) == {2031}


def test_a_bad_file_among_good_ones_writes_nothing(empty_database):
    good = read_source(BAOAN)
    bad = SourceFile("broken.txt", good.text.replace("49,235,800.00", "四千万", 1))
    with pytest.raises(FilingImportError, match=r"broken\.txt.*第\s*\d+\s*行"):
        import_filings(sources=[good, bad])
    assert Filing.objects.count() == 0
    assert Department.objects.count() == 0


def test_it_refuses_to_overwrite_a_submitted_filing_and_writes_nothing(samples):
    Filing.objects.filter(code="440306210601500000540").update(status=Status.SUBMITTED)
    before = sorted(Filing.objects.values_list("pk", "version", "status"))
    with pytest.raises(FilingImportError, match="440306210601500000540"):
        import_filings(sources=[read_source(BAOAN)])
    assert sorted(Filing.objects.values_list("pk", "version", "status")) == before


def test_it_records_history_for_imported_projects(samples):
    filing = _project("440306210601500000540")
    assert filing.history.count() == 1
    assert filing.history.first().history_type == "+"
    header_history = filing.project_header.history.all()
    assert [record.history_type for record in header_history] == ["+"]


def test_a_reimport_shows_in_the_history_as_one_change_by_the_importer_rows_included(empty_database):
    baoan = read_source(BAOAN)
    first = User.objects.create(username="first")
    import_filings(sources=[baoan], user=first)
    filing = _project("440306210601500000540")
    old_rows = [row.name for row in filing.indicators.all()]
    assert old_rows
    edited = SourceFile(
        baoan.name,
        baoan.text.replace("项目名称:\t新开办企业刻制公章补贴经费", "项目名称:\t新开办企业刻制公章补贴经费（调整）", 1),
    )
    assert edited.text != baoan.text
    # The text import is an administrator's: a person filing for units finds only their own filings.
    second = User.objects.create(username="second", is_superuser=True)

    import_filings(sources=[edited], user=second)

    imported, created = filing_timeline(filing)[:2]
    assert imported.user == second and created.user == first
    assert [change.label for change in imported.fields] == ["项目名称"]
    # The rows were stored anew with new ids, the same as before: paired by content, none changed.
    assert imported.rows == []
    assert len(created.rows) == len(old_rows) and {row.kind for row in created.rows} == {"新增"}


def test_the_import_issues_a_fixed_number_of_queries(empty_database, django_assert_max_num_queries):
    sources = [read_source(path) for path in PROJECT_FILES]
    # 100 二级 forms and ~1,000 indicator rows with their history records: only bulk statements, which
    # SQLite splits into batches of its variable limit (about 70 statements: a row has 25 columns), and
    # the checks' counts by rule with their totals by unit and year (about 15).
    with django_assert_max_num_queries(90):
        import_filings(sources=sources)


def test_the_other_kinds_add_a_few_bulk_statements_not_one_per_form(empty_database, django_assert_max_num_queries):
    sources = [read_source(path) for path in SAMPLE_FILES]
    # The 9 一级 and 部门整体 forms add their header tables and the 部门整体 tasks: a statement or two
    # each (with their history), whatever the number of forms; four reads to compare the 部门整体
    # forms with their units' projects (rule 16); and one statement for the new units' history.
    with django_assert_max_num_queries(115):  # and the checks' counts and totals, as above
        import_filings(sources=sources)


def test_it_keeps_a_second_basis_under_its_own_label(samples):
    header = _project("440313221210201305002").project_header
    assert header.policy_basis.startswith("根据深圳市深汕特别合作区2022年第4次党工委会议")
    assert "\n\n项目申报依据：(1) 本项目软件开发费用测算参照《软件工程软件开发成本度量规范》" in header.policy_basis


def test_a_form_without_an_applicant_is_refused_with_its_line(empty_database):
    text = BAOAN.read_text(encoding="utf-8")
    first_form_applicant = "申请单位:\t深圳市宝安区政务服务数据管理局(本级)\t一级预算单位:"
    assert first_form_applicant in text
    bad = SourceFile("no-unit.txt", text.replace(first_form_applicant, "申请单位:\t\t一级预算单位:", 1))
    with pytest.raises(FilingImportError, match=r"no-unit\.txt: 第3行的申报表缺少申请单位"):
        import_filings(sources=[bad])
    assert Filing.objects.count() == 0


def test_a_unit_that_leaves_its_top_unit_blank_is_its_own_top_unit(empty_database):
    text = BAOAN.read_text(encoding="utf-8")
    top = "一级预算单位:\t深圳市宝安区政务服务数据管理局(本级)"
    source = SourceFile("blank-top.txt", text.replace(top, "一级预算单位:\t", 1))
    import_filings(sources=[source])
    filing = _project("440306210601500000540")
    assert filing.project_header.top_unit == filing.department
