import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_layouts"),
    ]

    # The new index first: lookups by unit always have one of the two.
    operations = [
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(fields=["department", "status"], name="filing_status_by_unit"),
        ),
        migrations.AlterField(
            model_name="filing",
            name="department",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="filings",
                to="projects.department",
                verbose_name="填报单位",
            ),
        ),
    ]
