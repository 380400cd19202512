"""The 二级 ``Project`` becomes the filing aggregate ``Filing``, and its 二级-only header moves out.

Nothing is lost on the way: the table is renamed, not copied, so every filing keeps its id (and its
URLs), and the indicator rows, transitions and check results keep pointing at it. The 二级 header
columns move, row for row, into ``ProjectHeader``; the header history moves with them, record for
record, with the same time, user and type, so a filing's history reads as before. Transition
snapshots name the unit ``department`` from now on.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The 二级-only columns, in the order of the official form.
HEADER_COLUMNS = [
    "top_unit_id",
    "duration_years",
    "project_type",
    "is_new",
    "allocation",
    "total_amount",
    "current_amount",
    "policy_basis_label",
    "policy_basis",
    "calculation_basis",
    "annual_goal",
    "long_term_goal",
]
HISTORY_COLUMNS = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def move_headers(apps, schema_editor):
    Filing = apps.get_model("projects", "Filing")
    ProjectHeader = apps.get_model("projects", "ProjectHeader")
    HistoricalFiling = apps.get_model("projects", "HistoricalFiling")
    HistoricalProjectHeader = apps.get_model("projects", "HistoricalProjectHeader")
    headers = [
        ProjectHeader(filing_id=row["id"], **{name: row[name] for name in HEADER_COLUMNS})
        for row in Filing.objects.order_by("id").values("id", *HEADER_COLUMNS).iterator(chunk_size=2000)
    ]
    ProjectHeader.objects.bulk_create(headers, batch_size=500)
    records = [
        HistoricalProjectHeader(filing_id=row["id"], **{name: row[name] for name in HEADER_COLUMNS + HISTORY_COLUMNS})
        for row in HistoricalFiling.objects.order_by("history_id")
        .values("id", *HEADER_COLUMNS, *HISTORY_COLUMNS)
        .iterator(chunk_size=2000)
    ]
    HistoricalProjectHeader.objects.bulk_create(records, batch_size=500)


def rename_snapshot_unit(apps, schema_editor):
    Transition = apps.get_model("projects", "Transition")
    changed = []
    for transition in Transition.objects.order_by("id").only("snapshot").iterator(chunk_size=2000):
        fields = (transition.snapshot or {}).get("fields", {})
        if "applicant" in fields:
            fields["department"] = fields.pop("applicant")
            changed.append(transition)
    Transition.objects.bulk_update(changed, ["snapshot"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_indicator_history"),
        ("checks", "0001_filing_checks_and_rule_settings"),
        ("projects", "0005_role_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # 1. The aggregate: Project is renamed Filing, with the same table rows and ids.
        migrations.RenameModel("Project", "Filing"),
        migrations.RenameModel("HistoricalProject", "HistoricalFiling"),
        migrations.RenameField("filing", "applicant", "department"),
        migrations.RenameField("historicalfiling", "applicant", "department"),
        migrations.RemoveIndex(model_name="transition", name="projects_tr_project_16b81e_idx"),
        migrations.RenameField("transition", "project", "filing"),
        migrations.AddField(
            model_name="filing",
            name="kind",
            field=models.CharField(default="project", editable=False, max_length=20, verbose_name="申报表类型"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalfiling",
            name="kind",
            field=models.CharField(default="project", editable=False, max_length=20, verbose_name="申报表类型"),
            preserve_default=False,
        ),
        # 2. The 二级 header, with its history, in a table of its own.
        migrations.CreateModel(
            name="ProjectHeader",
            fields=[
                (
                    "filing",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="project_header",
                        serialize=False,
                        to="projects.filing",
                        verbose_name="申报表",
                    ),
                ),
                (
                    "duration_years",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="实施期限（年）"),
                ),
                ("project_type", models.CharField(blank=True, max_length=50, verbose_name="项目类型")),
                ("is_new", models.BooleanField(blank=True, null=True, verbose_name="是否新增项目")),
                (
                    "allocation",
                    models.CharField(
                        blank=True,
                        choices=[("因素法", "因素法"), ("项目法", "项目法"), ("因素法和项目法", "因素法和项目法")],
                        max_length=20,
                        verbose_name="分配方式",
                    ),
                ),
                (
                    "total_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=18,
                        null=True,
                        verbose_name="项目总金额（中期规划，元）",
                    ),
                ),
                (
                    "current_amount",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="本年度项目金额（元）"
                    ),
                ),
                (
                    "policy_basis_label",
                    models.CharField(default="政策依据", max_length=20, verbose_name="政策依据栏目名称"),
                ),
                ("policy_basis", models.TextField(blank=True, verbose_name="政策依据")),
                ("calculation_basis", models.TextField(blank=True, verbose_name="测算依据")),
                ("annual_goal", models.TextField(blank=True, verbose_name="年度目标")),
                ("long_term_goal", models.TextField(blank=True, verbose_name="长期目标")),
                (
                    "top_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="projects.department",
                        verbose_name="一级预算单位",
                    ),
                ),
            ],
            options={"verbose_name": "二级项目表头", "verbose_name_plural": "二级项目表头"},
        ),
        migrations.CreateModel(
            name="HistoricalProjectHeader",
            fields=[
                (
                    "duration_years",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="实施期限（年）"),
                ),
                ("project_type", models.CharField(blank=True, max_length=50, verbose_name="项目类型")),
                ("is_new", models.BooleanField(blank=True, null=True, verbose_name="是否新增项目")),
                (
                    "allocation",
                    models.CharField(
                        blank=True,
                        choices=[("因素法", "因素法"), ("项目法", "项目法"), ("因素法和项目法", "因素法和项目法")],
                        max_length=20,
                        verbose_name="分配方式",
                    ),
                ),
                (
                    "total_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=18,
                        null=True,
                        verbose_name="项目总金额（中期规划，元）",
                    ),
                ),
                (
                    "current_amount",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="本年度项目金额（元）"
                    ),
                ),
                (
                    "policy_basis_label",
                    models.CharField(default="政策依据", max_length=20, verbose_name="政策依据栏目名称"),
                ),
                ("policy_basis", models.TextField(blank=True, verbose_name="政策依据")),
                ("calculation_basis", models.TextField(blank=True, verbose_name="测算依据")),
                ("annual_goal", models.TextField(blank=True, verbose_name="年度目标")),
                ("long_term_goal", models.TextField(blank=True, verbose_name="长期目标")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "filing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.filing",
                        verbose_name="申报表",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "top_unit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.department",
                        verbose_name="一级预算单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 二级项目表头",
                "verbose_name_plural": "historical 二级项目表头",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(move_headers, migrations.RunPython.noop),
        migrations.RunPython(rename_snapshot_unit, migrations.RunPython.noop),
        *[
            migrations.RemoveField(model_name=model, name=name.removesuffix("_id"))
            for model in ("filing", "historicalfiling")
            for name in HEADER_COLUMNS
        ],
        # 3. Every kind's fields as the aggregate has them.
        migrations.RemoveConstraint(model_name="filing", name="unique_code_per_year"),
        migrations.AlterField(
            model_name="filing",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="项目编码"),
        ),
        migrations.AlterField(
            model_name="historicalfiling",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="项目编码"),
        ),
        migrations.AlterField(
            model_name="filing",
            name="name",
            field=models.CharField(blank=True, max_length=200, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="historicalfiling",
            name="name",
            field=models.CharField(blank=True, max_length=200, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="filing",
            name="department",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="filings",
                to="projects.department",
                verbose_name="填报单位",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfiling",
            name="department",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="projects.department",
                verbose_name="填报单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True),
                fields=("fiscal_year", "code"),
                name="unique_code_per_year",
            ),
        ),
        migrations.RemoveIndex(model_name="filing", name="projects_pr_status_791d00_idx"),
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(fields=["status", "fiscal_year"], name="projects_fi_status_d1191a_idx"),
        ),
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(fields=["kind", "fiscal_year", "department"], name="projects_fi_kind_f50c4d_idx"),
        ),
        migrations.AlterModelOptions(
            name="filing",
            options={
                "ordering": ["-fiscal_year", "department__name", "code", "name"],
                "permissions": [("import_filings", "可导入申报表（Excel 工作簿与列表）")],
                "verbose_name": "申报表",
                "verbose_name_plural": "申报表",
            },
        ),
        migrations.AlterModelOptions(
            name="historicalfiling",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical 申报表",
                "verbose_name_plural": "historical 申报表",
            },
        ),
        migrations.AlterField(
            model_name="transition",
            name="filing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="transitions",
                to="projects.filing",
                verbose_name="申报表",
            ),
        ),
        migrations.AddIndex(
            model_name="transition",
            index=models.Index(fields=["filing", "to_status", "at"], name="projects_tr_filing__ce3827_idx"),
        ),
        migrations.AlterModelOptions(
            name="transition",
            options={"ordering": ["filing", "at", "pk"], "verbose_name": "流转记录", "verbose_name_plural": "流转记录"},
        ),
    ]
