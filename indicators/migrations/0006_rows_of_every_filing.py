"""Indicator rows belong to a filing of any kind; templates say which kind of form they serve."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_indicator_history"),
        ("projects", "0006_filing_aggregate"),
    ]

    operations = [
        migrations.AddField(
            model_name="formtemplate",
            name="kind",
            field=models.CharField(default="project", max_length=20, verbose_name="申报表类型"),
        ),
        migrations.AlterField(
            model_name="formtemplate",
            name="is_default",
            field=models.BooleanField(
                default=False, help_text="同类申报表新建和导入时使用的模板", verbose_name="默认模板"
            ),
        ),
        migrations.RemoveConstraint(model_name="formtemplate", name="one_default_template"),
        migrations.AddConstraint(
            model_name="formtemplate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("kind",), name="one_default_template_per_kind"
            ),
        ),
        migrations.RemoveIndex(model_name="indicator", name="indicators__project_8a26a7_idx"),
        migrations.RenameField("indicator", "project", "filing"),
        migrations.RenameField("historicalindicator", "project", "filing"),
        migrations.AlterField(
            model_name="indicator",
            name="filing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicators",
                to="projects.filing",
                verbose_name="申报表",
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="filing",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="projects.filing",
                verbose_name="申报表",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="name",
            field=models.CharField(blank=True, max_length=2000, verbose_name="三级指标"),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="name",
            field=models.CharField(blank=True, max_length=2000, verbose_name="三级指标"),
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={
                "ordering": ["filing", "category__parent__order", "category__order", "position"],
                "verbose_name": "三级指标",
                "verbose_name_plural": "三级指标",
            },
        ),
        migrations.AddIndex(
            model_name="indicator",
            index=models.Index(fields=["filing", "position"], name="indicators__filing__7af61d_idx"),
        ),
    ]
