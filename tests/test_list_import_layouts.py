"""The admin's list import and export follow each filing's layout: a 三级指标 row is read among the
categories of its filing's template, with the columns other layouts add (指标性质, 度量单位, 权重,
指标方向性…); a filing's header is read with its layout's code shape and words, and a new filing takes
its unit's layout.

The 四川 and 甘肃 filings are the published forms of ``samples/provinces``, as the text import
stores them.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import FormTemplate, Indicator
from projects.models import Filing, ProjectHeader
from projects.resources import IndicatorResource, ProjectResource
from projects.services.imports import import_filings, read_source
from tests.helpers.provinces import GANSU, SICHUAN

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
SICHUAN_CODE = "511124230000000000001"
SICHUAN_LAYOUT = "部门预算项目绩效目标申报表（四川一体化）"


def imported(path: Path) -> Filing:
    (filing,) = import_filings(sources=[read_source(path)], year=2023).created
    return Filing.objects.select_related("template", "department", "project_header").get(pk=filing.pk)


@pytest.fixture
def sichuan(samples) -> Filing:
    return imported(SICHUAN)


def rows_of(filing: Filing) -> tablib.Dataset:
    return IndicatorResource().export(queryset=Indicator.objects.filter(filing=filing).order_by("position"))


def header_of(filing: Filing) -> tablib.Dataset:
    return ProjectResource().export(queryset=Filing.objects.filter(pk=filing.pk))


def edited(dataset: tablib.Dataset, index: int, **cells) -> tablib.Dataset:
    """The dataset with row ``index`` changed in the columns named (by heading)."""
    dataset[index] = tuple(
        cells.get(heading, cell) for heading, cell in zip(dataset.headers, dataset[index], strict=True)
    )
    return dataset


def row_index(dataset: tablib.Dataset, name: str) -> int:
    return next(index for index, row in enumerate(dataset.dict) if row["三级指标"] == name)


def problems(result) -> list[str]:
    return [message for row in result.invalid_rows for messages in row.error_dict.values() for message in messages]


def export_fields(resource) -> dict:
    name = resource.__name__.lower()
    return {f"{name}_{field}": "on" for field in resource().get_export_order()}


def imported_through_the_admin(client, data: bytes, file_format: str, *, confirm: bool):
    """The admin's list import of 三级指标: its preview, then (``confirm``) its confirmation."""
    upload = SimpleUploadedFile("三级指标." + ("csv" if file_format == CSV else "xlsx"), data)
    preview = client.post(
        reverse("admin:indicators_indicator_import"), {"import_file": upload, "format": file_format, "resource": "0"}
    )
    if confirm:
        client.post(reverse("admin:indicators_indicator_process_import"), preview.context["confirm_form"].initial)
    return preview.context["result"]


def project_without_rows(department, template: FormTemplate, code: str) -> Filing:
    filing = Filing.objects.create(
        kind="project", template=template, fiscal_year=2023, code=code, name="全国表样的项目", department=department
    )
    ProjectHeader.objects.create(filing=filing, top_unit=department)
    return filing


# --- the 三级指标 rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_a_sichuan_projects_rows_export_their_split_target_weight_and_direction_and_import_back_unchanged(
    admin_client, sichuan, file_format
):
    exported = admin_client.post(
        reverse("admin:indicators_indicator_export") + f"?q={SICHUAN_CODE}",
        {"format": file_format, "resource": "0", **export_fields(IndicatorResource)},
    )
    if file_format == CSV:
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        row = next(row for row in rows if row["三级指标"] == "维护社会稳定")
        assert (row["指标性质"], row["指标值"], row["度量单位"], row["权重"], row["指标方向性"]) == (
            "≥",
            "95",
            "%",
            "10",
            "正向指标",
        )
        assert (row["一级指标"], row["二级指标"]) == ("效益", "社会效益")
        assert len(rows) == sichuan.indicators.count()

    result = imported_through_the_admin(admin_client, exported.content, file_format, confirm=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == sichuan.indicators.count()


def test_a_weight_changed_by_a_list_import_is_stored_and_recorded_as_a_change_of_its_filing(admin_client, sichuan):
    dataset = rows_of(sichuan)
    index = row_index(dataset, "维护社会稳定")
    edited(dataset, index, 权重="12.5%", 指标性质="≤", 指标值="98")
    versions, records = sichuan.version, Filing.history.filter(id=sichuan.pk).count()

    result = imported_through_the_admin(admin_client, dataset.csv.encode(), CSV, confirm=True)

    assert result.totals["update"] == 1 and result.totals["skip"] == len(dataset) - 1
    row = sichuan.indicators.get(name="维护社会稳定")
    assert (row.weight, row.nature, row.value, row.measure) == (Decimal("12.5"), "≤", "98", "%")
    # The parsed parts follow the whole target (≤ · 98 · %), as after every other import.
    assert (row.comparator, row.number, row.unit) == ("≤", 98, "%")
    assert Filing.objects.get(pk=sichuan.pk).version == versions + 1
    assert Filing.history.filter(id=sichuan.pk).count() == records + 1
    latest = row.history.latest("history_date")
    assert (latest.weight, latest.history_user.username) == (Decimal("12.50"), "admin")


def test_a_new_row_of_a_sichuan_project_carries_its_weight(admin_user, sichuan):
    dataset = rows_of(sichuan)
    new = dict(dataset.dict[0])
    new.update({"顺序": 99, "三级指标": "新增的指标", "指标性质": "≥", "指标值": "90", "度量单位": "%", "权重": 5})
    dataset.append([new[heading] for heading in dataset.headers])

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    assert result.totals["new"] == 1 and not result.has_validation_errors()
    row = sichuan.indicators.get(position=99)
    assert (row.weight, row.category.parent.template.code, row.comparator, row.number) == (
        Decimal(5),
        "sc-2023",
        "≥",
        90,
    )


@pytest.mark.parametrize(
    ("weight", "problem"),
    [
        ("十分", "权重「十分」不是数字"),
        ("120", "权重「120」应为 0 到 100 之间的数"),
        ("9.125", "权重「9.125」最多保留 2 位小数"),
    ],
)
def test_a_weight_that_is_not_one_is_refused_naming_its_row(admin_user, sichuan, weight, problem):
    dataset = rows_of(sichuan)
    index = row_index(dataset, "按时发放")
    edited(dataset, index, 权重=weight)

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    assert [(row.number, row.error_dict) for row in result.invalid_rows] == [
        (index + 1, {"权重": [f"第 {index + 1} 行：{problem}"]})
    ]
    assert sichuan.indicators.get(name="按时发放").weight == 10


def test_a_category_of_another_template_is_refused_naming_the_row(admin_user, sichuan):
    dataset = rows_of(sichuan)
    index = row_index(dataset, "按时发放")
    edited(dataset, index, 一级指标="成本", 二级指标="经济成本")

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    (message,) = problems(result)
    named = f"{SICHUAN_CODE} 村组干部报酬 所用表样“{SICHUAN_LAYOUT}”"
    assert message.startswith(f"第 {index + 1} 行：二级指标「成本/经济成本」不是 {named}的指标类别")
    assert "产出/成本" in message
    assert sichuan.indicators.get(name="按时发放").category.name == "质量"


def test_a_sichuan_row_is_read_among_its_own_templates_categories(admin_user, sichuan):
    dataset = rows_of(sichuan)
    edited(dataset, row_index(dataset, "按时发放"), 二级指标="成本")

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    assert result.totals["update"] == 1 and not result.has_validation_errors()
    category = sichuan.indicators.get(name="按时发放").category
    assert (category.parent.name, category.name, category.parent.template_id) == ("产出", "成本", sichuan.template_id)


def test_a_national_row_under_cost_and_economic_cost_is_accepted(admin_user, people):
    national = FormTemplate.objects.get(code="cn-2021")
    filing = project_without_rows(people.unit_a, national, "44030623T000000000001")
    row = {
        "预算年度": 2023,
        "项目编码": filing.code,
        "一级指标": "成本",
        "二级指标": "经济成本",
        "顺序": 1,
        "三级指标": "单位面积造价",
        "指标性质": "≤",
        "指标值": "1600",
        "度量单位": "元/平方米",
        "权重": "20",
        "指标值设定依据": "计划标准",
    }

    result = IndicatorResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False, user=admin_user
    )

    assert result.totals["new"] == 1 and not result.has_validation_errors() and not result.has_errors()
    stored = filing.indicators.select_related("category__parent__template").get()
    assert (stored.category.parent.name, stored.category.name, stored.category.parent.template.code) == (
        "成本",
        "经济成本",
        "cn-2021",
    )
    assert (stored.weight, stored.basis, stored.comparator, stored.number) == (Decimal(20), "计划标准", "≤", 1600)


def test_a_column_the_projects_layout_does_not_have_is_refused(admin_user, samples):
    shenzhen = Filing.objects.filter(kind="project", template__code="sz-2020").earliest("code")
    dataset = rows_of(shenzhen)
    edited(dataset, 0, 权重="10")

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    (message,) = problems(result)
    assert message == f"第 1 行：{shenzhen.title} 所用表样“{shenzhen.template.name}”没有「权重」栏目，请留空"
    assert not shenzhen.indicators.filter(weight__isnull=False).exists()


def test_a_text_longer_than_its_column_holds_is_refused_naming_row_and_column(admin_user, sichuan):
    dataset = rows_of(sichuan)
    edited(dataset, 1, 指标方向性="正" * 21, 备注="")

    result = IndicatorResource().import_data(dataset, dry_run=True, user=admin_user)

    assert [row.error_dict for row in result.invalid_rows] == [
        {"指标方向性": ["第 2 行：指标方向性超过 20 个字（21 个字）"]}
    ]


# --- the header list -------------------------------------------------------------------------------


def test_a_sichuan_project_whose_code_has_its_layouts_shape_is_changed_by_the_header_list(admin_user, sichuan):
    Filing.objects.filter(pk=sichuan.pk).update(code="51112423T000000000001")
    dataset = header_of(sichuan)
    edited(dataset, 0, 项目名称="村组干部报酬（改）")

    result = ProjectResource().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_validation_errors() and not result.has_errors() and result.totals["update"] == 1
    stored = Filing.objects.get(pk=sichuan.pk)
    assert (stored.code, stored.name, stored.version) == (
        "51112423T000000000001",
        "村组干部报酬（改）",
        sichuan.version + 1,
    )


def test_the_header_list_shows_the_fields_a_layout_adds_and_reads_them_back(admin_user, samples):
    gansu = imported(GANSU)
    dataset = header_of(gansu)
    (row,) = dataset.dict
    lines = row["其他栏目"].splitlines()
    assert {"项目开始日期：2023-01-01", "资金用途：业务类项目", "一级项目名称（未关联）：文化事业发展专项资金"} <= set(
        lines
    )
    assert len(lines) == len(gansu.extra_fields)
    assert row["是否新增项目"] == "新增项目"  # 甘肃 asks it as 项目类型: 新增项目 / 延续项目
    unchanged = ProjectResource().import_data(header_of(gansu), dry_run=True, user=admin_user)
    assert unchanged.totals["skip"] == 1 and not unchanged.has_validation_errors()
    changed = row["其他栏目"].replace("资金性质：一般公共预算", "资金性质：政府性基金预算")

    result = ProjectResource().import_data(edited(dataset, 0, 其他栏目=changed), dry_run=False, user=admin_user)

    assert result.totals["update"] == 1 and not result.has_validation_errors()
    stored = Filing.objects.get(pk=gansu.pk)
    assert stored.extra_fields == {**gansu.extra_fields, "资金性质": "政府性基金预算"}


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ("联系人：张三", "其他栏目「联系人：张三」不是该申报表的栏目"),
        ("中央补助安排：两笔", "中央补助安排「两笔」不是一个金额"),
        ("资金性质：甲\n资金性质：乙", "其他栏目中「资金性质」写了两次"),
    ],
)
def test_a_line_of_other_fields_the_layout_does_not_take_is_refused(admin_user, samples, lines, problem):
    gansu = imported(GANSU)
    dataset = edited(header_of(gansu), 0, 其他栏目=lines)

    result = ProjectResource().import_data(dataset, dry_run=True, user=admin_user)

    (message,) = problems(result)
    assert message.startswith(problem)
    assert list(result.invalid_rows[0].error_dict) == ["其他栏目"]


def test_a_value_in_a_field_the_layout_leaves_out_is_refused(admin_user, sichuan):
    dataset = edited(header_of(sichuan), 0, **{"实施期限（年）": "3"})

    result = ProjectResource().import_data(dataset, dry_run=True, user=admin_user)

    assert result.invalid_rows[0].error_dict == {
        "实施期限（年）": [f"该申报表的表样“{SICHUAN_LAYOUT}”没有「实施期限（年）」栏目，请留空"]
    }


def sichuan_unit(people):
    people.unit_a.template = FormTemplate.objects.get(code="sc-2023")
    people.unit_a.save()
    return people.unit_a


def new_project_row(unit, code: str, **cells) -> tablib.Dataset:
    row = {
        "预算年度": 2023,
        "项目编码": code,
        "项目名称": "新建的四川项目",
        "申请单位": unit.name,
        "一级预算单位": unit.name,
        "本年度项目金额（元）": 100000,
        "年度目标": "按时发放",
        **cells,
    }
    return tablib.Dataset(list(row.values()), headers=list(row))


def test_a_new_project_takes_the_layout_of_its_unit(admin_user, people):
    dataset = new_project_row(sichuan_unit(people), "51112423T000000000002", 其他栏目="部门预算数：20万元")

    result = ProjectResource().import_data(dataset, dry_run=False, user=admin_user)

    assert result.totals["new"] == 1 and not result.has_validation_errors() and not result.has_errors()
    created = Filing.objects.select_related("template").get(code="51112423T000000000002")
    assert (created.template.code, created.extra_fields) == ("sc-2023", {"部门预算数": "20万元"})


@pytest.mark.parametrize(
    ("cells", "column", "problem"),
    [
        ({}, "项目编码", "项目编码「5111242300001」应为21位：6位行政区划代码、2位年度、1位字母或数字和12位数字"),
        (
            {"实施期限（年）": "3"},
            "实施期限（年）",
            f"该申报表的表样“{SICHUAN_LAYOUT}”没有「实施期限（年）」栏目，请留空",
        ),
    ],
    ids=["code", "left-out field"],
)
def test_a_new_project_is_read_in_the_layout_of_its_unit(admin_user, people, cells, column, problem):
    code = "5111242300001" if not cells else "51112423T000000000003"
    dataset = new_project_row(sichuan_unit(people), code, **cells)

    result = ProjectResource().import_data(dataset, dry_run=True, user=admin_user)

    assert result.invalid_rows[0].error_dict == {column: [problem]}


def test_a_new_project_of_a_unit_without_a_layout_takes_the_default_one(admin_user, people):
    unit = people.unit_a.name
    row = {
        "预算年度": 2023,
        "项目编码": "440306230000000000777",
        "项目名称": "新建的项目",
        "申请单位": unit,
        "一级预算单位": unit,
    }

    result = ProjectResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False, user=admin_user
    )

    assert result.totals["new"] == 1 and not result.has_validation_errors()
    assert Filing.objects.get(code="440306230000000000777").template == FormTemplate.default("project")


def test_a_new_project_without_its_top_unit_files_under_its_units_top_unit(admin_user, people):
    unit = people.unit_a_child
    row = {"预算年度": 2023, "项目编码": "440306230000000000778", "项目名称": "下属单位的新项目", "申请单位": unit.name}

    result = ProjectResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False, user=admin_user
    )

    assert result.totals["new"] == 1 and not result.has_validation_errors() and not result.has_errors()
    created = Filing.objects.get(code="440306230000000000778")
    assert created.project_header.top_unit == people.unit_a


def test_a_new_project_without_its_code_is_refused_as_the_other_imports_refuse_it(admin_user, people):
    row = {"预算年度": 2023, "项目编码": "", "项目名称": "没有编码的新项目", "申请单位": people.unit_a.name}

    result = ProjectResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False, user=admin_user
    )

    assert [invalid.error_dict for invalid in result.invalid_rows] == [{"项目编码": ["新建二级项目须填写项目编码"]}]
    assert not Filing.objects.filter(name="没有编码的新项目").exists()
