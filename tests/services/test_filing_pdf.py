from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from indicators.models import Indicator, Level2Category
from projects.kinds.base import CELL_TEXT
from projects.models import Filing
from projects.printing import engine
from projects.printing.form import format_amount
from projects.services.pdf import filing_pdf
from tests.helpers.pdfs import FOOTER, all_text, compact, font_names, footers, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

SEVERAL_ROWS_UNDER_ONE_LEVEL2 = "440304221061500600010"  # 网格信息管理: seven 质量 rows, amounts in 万元
NOT_APPLICABLE_CATEGORIES = "440306210601500000540"  # 新开办企业刻制公章补贴经费: four 不适用 rows, 元


def _project(code):
    return Filing.objects.select_related("department", "project_header__top_unit").get(kind="project", code=code)


def _header_values(filing):
    header = filing.project_header
    return [
        filing.code,
        filing.name,
        filing.department.name,
        header.top_unit.name,
        f"{header.duration_years}年",
        header.project_type,
        "是" if header.is_new else "否",
        header.allocation,
        format_amount(filing.in_filing_unit(header.total_amount)),
        format_amount(filing.in_filing_unit(header.current_amount)),
        header.policy_basis,
        header.calculation_basis,
        header.annual_goal,
        header.long_term_goal,
    ]


@pytest.mark.parametrize("code", [SEVERAL_ROWS_UNDER_ONE_LEVEL2, NOT_APPLICABLE_CATEGORIES])
def test_the_pdf_holds_every_header_value_and_every_indicator_row(samples, code):
    filing = _project(code)
    text = all_text(filing_pdf(filing=filing))
    for value in _header_values(filing):
        assert compact(value) in text, value
    rows = [compact(i.name + i.value + i.explanation) for i in filing.indicators.all()]
    assert len(rows) >= 10
    for row in set(rows):
        # A cell's text is drawn in one piece, so a row reads 三级指标 指标值 指标解释 in a row.
        assert text.count(row) >= rows.count(row), row
    for label in [
        "一级指标二级指标三级指标指标值指标解释",
        "产出",
        "*数量",
        "*质量",
        "*社会效益",
        "*服务对象满意度",
        "其他满意度",
    ]:
        assert label in text


def test_several_level3_rows_stay_under_one_printed_level2_label(samples):
    filing = _project(SEVERAL_ROWS_UNDER_ONE_LEVEL2)
    text = all_text(filing_pdf(filing=filing))
    quality = [compact(i.name + i.value + i.explanation) for i in filing.indicators.filter(category__name="质量")]
    assert len(quality) == 7
    # The 二级 label is printed once, in the merged cell before its first row.
    assert text.count("*质量") == 1
    assert text.index("*质量") < text.index(quality[0]) < text.index(quality[-1])


def test_the_not_applicable_rows_are_printed_as_filed(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    text = all_text(filing_pdf(filing=filing))
    for category in ["经济效益", "生态效益", "可持续影响", "其他满意度"]:
        assert f"{category}不适用不适用不适用" in text


def test_the_embedded_fonts_are_noto_cjk_only(samples):
    fonts = font_names(filing_pdf(filing=_project(NOT_APPLICABLE_CATEGORIES)))
    assert fonts
    assert all("Noto" in name and "CJK" in name for name in fonts), fonts


def test_comparators_units_and_full_width_punctuation_print_without_missing_glyphs(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    header = filing.project_header
    header.annual_goal = "完成“一网通办”改造；覆盖率≥95%，差错率≤0.5%：详见《方案》〔2023〕1号、附表（一）！"
    header.save()
    row = filing.indicators.order_by("position").first()
    row.value, row.explanation = "≤758.79㎡", "考察办公面积（含公共区域）≧规定标准？≦上限。"
    row.save()
    pdf = filing_pdf(filing=filing)
    text = all_text(pdf)
    assert compact(header.annual_goal) in text
    assert "≤758.79㎡" in text
    assert "考察办公面积（含公共区域）≧规定标准？≦上限。" in text
    assert all("CJK" in name for name in font_names(pdf))


def test_each_page_is_numbered_within_the_form(samples):
    pdf = filing_pdf(filing=_project(SEVERAL_ROWS_UNDER_ONE_LEVEL2))
    numbers = footers(pdf)
    total = len(numbers)
    assert total >= 2
    assert numbers == [(page, total) for page in range(1, total + 1)]


def test_the_table_header_repeats_on_every_page_with_indicator_rows(samples):
    pdf = filing_pdf(filing=_project(SEVERAL_ROWS_UNDER_ONE_LEVEL2))
    for text in page_texts(pdf):
        if "不适用" in text or "满意度" in text:
            assert "一级指标二级指标三级指标指标值指标解释" in text


def test_without_a_review_the_status_and_blank_signature_lines_are_printed(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    text = all_text(filing_pdf(filing=filing))
    assert f"审核状态草稿审核日期审核意见填报单位（盖章）：{compact(filing.department.name)}" in text
    assert "填表人：联系电话：日期：审核人：日期：" in text


def test_a_review_prints_the_reviewers_opinion_name_and_date(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    filing.status = "approved"
    filing.save()
    reviewer = User.objects.create(username="li", first_name="丽", last_name="李")
    review = SimpleNamespace(
        comment="指标设置完整，同意申报。",
        user=reviewer,
        created_at=datetime(2024, 3, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    text = all_text(filing_pdf(filing=filing, review=review))
    assert "审核状态审核通过审核日期2024年3月5日" in text
    assert "审核意见指标设置完整，同意申报。" in text
    assert "审核人：李丽" in text
    assert "日期：2024年3月5日" in text


def _synthetic_rows(filing, level2_name, count):
    category = Level2Category.objects.get(parent__template=filing.template, name=level2_name)
    Indicator.objects.filter(filing=filing, category=category).delete()
    Indicator.objects.bulk_create(
        Indicator(
            filing=filing,
            category=category,
            position=100 + number,
            name=f"甲乙指标{number:02d}",
            value="≥1次",
            explanation=f"第{number:02d}行的解释：根据年度工作任务、历史数据与行业标准综合确定取值并按季度复核。" * 2,
        )
        for number in range(count)
    )


def test_a_group_running_over_pages_repeats_its_labels_on_every_page(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    _synthetic_rows(filing, "数量", 45)
    pages = page_texts(filing_pdf(filing=filing))
    with_rows = [text for text in pages if "甲乙指标" in text]
    assert len(with_rows) >= 3
    printed = "".join(with_rows)
    assert all(f"甲乙指标{number:02d}" in printed for number in range(45))
    for text in with_rows:
        assert "一级指标二级指标三级指标指标值指标解释" in text
        assert "产出*数量" in text


def test_a_row_taller_than_a_page_still_prints_whole(samples):
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    row = filing.indicators.order_by("position").first()
    row.explanation = ("很长的指标解释，逐条列明测算口径。" * 200)[:CELL_TEXT]  # as long as a cell may be
    row.save()
    pages = page_texts(filing_pdf(filing=filing))
    assert len(pages) > 2
    # Page by page the cell goes on after the page's footer and the repeated table header.
    text = "".join(FOOTER.sub("", page).replace("一级指标二级指标三级指标指标值指标解释", "") for page in pages)
    assert compact(row.explanation) in text


def test_an_unchanged_project_is_served_from_the_cache_and_a_change_renders_it_again(samples, monkeypatch):
    rendered: list[str] = []
    original = engine.pdfs

    def pdfs(htmls, css):
        rendered.extend(htmls)
        return original(htmls, css)

    monkeypatch.setattr(engine, "pdfs", pdfs)
    filing = _project(NOT_APPLICABLE_CATEGORIES)
    first = filing_pdf(filing=filing)
    assert filing_pdf(filing=Filing.objects.get(pk=filing.pk)) == first
    assert len(rendered) == 1
    filing.name = "新开办企业刻制公章补贴经费（调整）"
    filing.save()
    assert "新开办企业刻制公章补贴经费（调整）" in all_text(filing_pdf(filing=filing))
    assert len(rendered) == 2
