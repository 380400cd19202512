"""Seeds the layouts of the 二级 form other provinces file on: the national one (成本 as a 一级指标,
split target columns, weights), 甘肃's and 四川's. Shenzhen's stays the default."""

from django.db import migrations

from indicators.taxonomy import GANSU_2023, NATIONAL_2021, SICHUAN_2023

LAYOUTS = (NATIONAL_2021, GANSU_2023, SICHUAN_2023)


def seed(apps, schema_editor):
    FormTemplate = apps.get_model("indicators", "FormTemplate")
    Level1Category = apps.get_model("indicators", "Level1Category")
    Level2Category = apps.get_model("indicators", "Level2Category")
    for spec in LAYOUTS:
        template, _ = FormTemplate.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": "project",
                "is_default": False,
                "printed_title": spec.title,
                "columns": list(spec.columns),
                "extra_header": [
                    {"label": item.label, "spellings": list(item.spellings), "long": item.long, "amount": item.amount}
                    for item in spec.extra_header
                ],
                "field_labels": dict(spec.field_labels),
                "omitted_fields": list(spec.omitted),
                "weights_total": spec.weights_total,
                "weights_note": spec.weights_note,
                "code_pattern": spec.code_pattern,
                "code_shape": spec.code_shape,
            },
        )
        for order1, level1 in enumerate(spec.levels, start=1):
            parent, _ = Level1Category.objects.update_or_create(
                template=template,
                name=level1.name,
                defaults={"order": order1, "aliases": [f"{level1.name}指标", *level1.aliases]},
            )
            for order2, level2 in enumerate(level1.children, start=1):
                Level2Category.objects.update_or_create(
                    parent=parent,
                    name=level2.name,
                    defaults={
                        "order": order2,
                        "required": level2.required,
                        "aliases": [f"{level2.name}指标", *level2.aliases],
                    },
                )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "FormTemplate").objects.filter(code__in=[spec.code for spec in LAYOUTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_layouts")]
    operations = [migrations.RunPython(seed, unseed)]
