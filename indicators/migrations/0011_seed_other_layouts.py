"""Seeds the layouts of the 二级 form other provinces file on: the national one (成本 as a 一级指标,
split target columns, weights), 甘肃's and 四川's. Shenzhen's stays the default.

The layouts are written out here as they were when this migration was made (``indicators.taxonomy`` holds
them for the code), so that a later change there does not change what a fresh database is seeded with.
"""

from django.db import migrations

LAYOUTS = [
    {
        "code": "cn-2021",
        "name": "项目支出绩效目标表（全国通用，财预〔2021〕101号）",
        "printed_title": "项目支出绩效目标表",
        "columns": ["name", "nature", "value", "measure", "explanation", "basis", "weight"],
        "extra_header": [],
        "field_labels": {},
        "omitted_fields": [],
        "weights_total": 100,
        "weights_note": "",
        "code_pattern": "[0-9]{8}[0-9A-Z][0-9]{12}",
        "code_shape": "21位：6位行政区划代码、2位年度、1位字母或数字和12位数字",
        "levels": [
            ("产出", [], [("数量", True, []), ("质量", True, []), ("时效", True, ["工作时效"])]),
            ("成本", [], [("经济成本", True, []), ("社会成本", False, []), ("生态环境成本", False, ["生态成本"])]),
            (
                "效益",
                [],
                [
                    ("经济效益", False, []),
                    ("社会效益", True, []),
                    ("生态效益", False, ["生态环境效益"]),
                    ("可持续影响", False, []),
                ],
            ),
            ("满意度", [], [("服务对象满意度", True, []), ("其他满意度", False, [])]),
        ],
    },
    {
        "code": "gs-2023",
        "name": "省级部门预算项目支出绩效目标表（甘肃）",
        "printed_title": "省级部门预算项目支出绩效目标表",
        "columns": ["name", "value"],
        "extra_header": [
            {"label": "项目开始日期", "spellings": [], "long": False, "amount": False},
            {"label": "项目完成日期", "spellings": [], "long": False, "amount": False},
            {"label": "资金用途", "spellings": [], "long": False, "amount": False},
            {"label": "中央补助安排", "spellings": [], "long": False, "amount": True},
            {"label": "省级财政安排", "spellings": [], "long": False, "amount": True},
            {"label": "其他资金", "spellings": [], "long": False, "amount": True},
            {"label": "资金性质", "spellings": [], "long": False, "amount": False},
            {"label": "基本情况", "spellings": [], "long": True, "amount": False},
            {"label": "项目立项必要性", "spellings": [], "long": True, "amount": False},
            {"label": "保证项目实施的制度措施", "spellings": [], "long": True, "amount": False},
            {"label": "项目实施计划", "spellings": [], "long": True, "amount": False},
            {"label": "组织实施单位", "spellings": [], "long": False, "amount": False},
            {"label": "监督管理单位", "spellings": [], "long": False, "amount": False},
            {"label": "其他依据", "spellings": [], "long": True, "amount": False},
            {"label": "需要说明的其他问题", "spellings": [], "long": True, "amount": False},
        ],
        "field_labels": {"is_new": "项目类型", "project_type": "项目分类"},
        "omitted_fields": ["duration_years", "allocation", "calculation_basis", "long_term_goal"],
        "weights_total": None,
        "weights_note": "",
        "code_pattern": "[0-9]{8}[0-9A-Z][0-9]{12}",
        "code_shape": "21位：6位行政区划代码、2位年度、1位字母或数字和12位数字",
        "levels": [
            ("产出", [], [("数量", True, []), ("质量", True, []), ("时效", True, ["工作时效"])]),
            ("成本", [], [("经济成本", True, []), ("社会成本", False, []), ("生态环境成本", False, ["生态成本"])]),
            (
                "效益",
                [],
                [
                    ("经济效益", False, []),
                    ("社会效益", True, []),
                    ("生态效益", False, ["生态环境效益"]),
                    ("可持续影响", False, []),
                ],
            ),
            ("满意度", [], [("服务对象满意度", True, []), ("其他满意度", False, [])]),
        ],
    },
    {
        "code": "sc-2023",
        "name": "部门预算项目绩效目标申报表（四川一体化）",
        "printed_title": "部门预算项目绩效目标申报表",
        "columns": ["name", "nature", "value", "measure", "weight", "direction"],
        "extra_header": [{"label": "部门预算数", "spellings": [], "long": False, "amount": True}],
        "field_labels": {},
        "omitted_fields": [
            "duration_years",
            "project_type",
            "is_new",
            "allocation",
            "total_amount",
            "policy_basis",
            "calculation_basis",
            "long_term_goal",
        ],
        "weights_total": 90,
        "weights_note": "另 10 分为预算执行率",
        "code_pattern": "[0-9]{8}[0-9A-Z][0-9]{12}",
        "code_shape": "21位：6位行政区划代码、2位年度、1位字母或数字和12位数字",
        "levels": [
            ("产出", [], [("数量", True, []), ("质量", False, []), ("时效", False, []), ("成本", False, [])]),
            (
                "效益",
                [],
                [
                    ("经济效益", False, []),
                    ("社会效益", True, []),
                    ("生态效益", False, ["生态环境效益"]),
                    ("可持续影响", False, []),
                ],
            ),
            ("满意度", [], [("服务对象满意度", True, []), ("其他满意度", False, [])]),
        ],
    },
]

_TEMPLATE_FIELDS = (
    "name", "printed_title", "columns", "extra_header", "field_labels", "omitted_fields", "weights_total",
    "weights_note", "code_pattern", "code_shape",
)  # fmt: skip


def seed(apps, schema_editor):
    FormTemplate = apps.get_model("indicators", "FormTemplate")
    Level1Category = apps.get_model("indicators", "Level1Category")
    Level2Category = apps.get_model("indicators", "Level2Category")
    for layout in LAYOUTS:
        template, _ = FormTemplate.objects.update_or_create(
            code=layout["code"],
            defaults={"kind": "project", "is_default": False, **{name: layout[name] for name in _TEMPLATE_FIELDS}},
        )
        for order1, (level1, aliases1, children) in enumerate(layout["levels"], start=1):
            parent, _ = Level1Category.objects.update_or_create(
                template=template, name=level1, defaults={"order": order1, "aliases": [f"{level1}指标", *aliases1]}
            )
            for order2, (level2, required, aliases2) in enumerate(children, start=1):
                Level2Category.objects.update_or_create(
                    parent=parent,
                    name=level2,
                    defaults={"order": order2, "required": required, "aliases": [f"{level2}指标", *aliases2]},
                )


def unseed(apps, schema_editor):
    # Layouts that filings use stay: their filings' rows are in their categories.
    FormTemplate = apps.get_model("indicators", "FormTemplate")
    Filing = apps.get_model("projects", "Filing")
    used = set(Filing.objects.values_list("template_id", flat=True).distinct())
    FormTemplate.objects.filter(code__in=[layout["code"] for layout in LAYOUTS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_layouts"), ("projects", "0017_layouts")]
    operations = [migrations.RunPython(seed, unseed)]
