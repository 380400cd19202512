"""Seeds the categories of the 一级项目 and 部门整体 forms, each the default of its kind."""

from django.db import migrations

# (一级, aliases, [(二级, required, aliases)]) in the official order, as the forms print them.
_OUTPUTS = ("产出", [("数量", False, []), ("质量", False, []), ("时效", False, ["工作时效"]), ("成本", False, [])])
_EFFECTS = (
    "效益",
    [
        ("经济效益", False, []),
        ("社会效益", False, []),
        ("生态效益", False, ["生态环境效益"]),
        ("可持续影响", False, []),
    ],
)
_SATISFACTION = ("满意度", [("服务对象满意度", False, []), ("其他满意度", False, [])])
TEMPLATES = [
    ("sz-2020-program", "一级项目支出绩效目标申报表（深圳）", "program", [("投入", [("测算明细", False, [])]),
                                                                   _OUTPUTS, _EFFECTS, _SATISFACTION]),
    ("sz-2020-overall", "部门（单位）整体支出绩效目标表（深圳）", "overall", [_OUTPUTS, _EFFECTS, _SATISFACTION]),
]  # fmt: skip


def seed(apps, schema_editor):
    FormTemplate = apps.get_model("indicators", "FormTemplate")
    Level1Category = apps.get_model("indicators", "Level1Category")
    Level2Category = apps.get_model("indicators", "Level2Category")
    for code, name, kind, levels in TEMPLATES:
        template, _ = FormTemplate.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "is_default": True}
        )
        for order1, (level1, children) in enumerate(levels, start=1):
            parent, _ = Level1Category.objects.update_or_create(
                template=template, name=level1, defaults={"order": order1, "aliases": [f"{level1}指标"]}
            )
            for order2, (level2, required, aliases) in enumerate(children, start=1):
                Level2Category.objects.update_or_create(
                    parent=parent,
                    name=level2,
                    defaults={"order": order2, "required": required, "aliases": [f"{level2}指标", *aliases]},
                )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "FormTemplate").objects.filter(code__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_rows_of_every_filing")]
    operations = [migrations.RunPython(seed, unseed)]
