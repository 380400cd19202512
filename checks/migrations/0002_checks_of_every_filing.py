"""Check results belong to a filing of any kind."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checks", "0001_filing_checks_and_rule_settings"),
        ("projects", "0006_filing_aggregate"),
    ]

    operations = [
        migrations.RenameField("filingcheck", "project", "filing"),
        migrations.AlterField(
            model_name="filingcheck",
            name="filing",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="filing_check",
                serialize=False,
                to="projects.filing",
                verbose_name="申报表",
            ),
        ),
    ]
