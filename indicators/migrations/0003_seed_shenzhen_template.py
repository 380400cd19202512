"""Seeds the official Shenzhen 申报表 template and its categories in the official order."""

from django.db import migrations

from indicators.taxonomy import SHENZHEN_2020


def seed(apps, schema_editor):
    FormTemplate = apps.get_model("indicators", "FormTemplate")
    Level1Category = apps.get_model("indicators", "Level1Category")
    Level2Category = apps.get_model("indicators", "Level2Category")
    template, _ = FormTemplate.objects.update_or_create(
        code=SHENZHEN_2020.code, defaults={"name": SHENZHEN_2020.name, "is_default": True}
    )
    for order1, level1 in enumerate(SHENZHEN_2020.levels, start=1):
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
    apps.get_model("indicators", "FormTemplate").objects.filter(code=SHENZHEN_2020.code).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
