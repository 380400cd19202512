"""Counts by rule and their totals per unit and year, from the checks stored so far."""

from django.db import migrations
from django.db.models import Count, Q, Sum

from checks.counts import rule_count_rows


def fill(apps, schema_editor):
    FilingCheck = apps.get_model("checks", "FilingCheck")
    RuleCount = apps.get_model("checks", "RuleCount")
    CheckTotal = apps.get_model("checks", "CheckTotal")
    stored = FilingCheck.objects.values_list("filing_id", "filing__department_id", "filing__fiscal_year", "findings")
    rows = []
    for filing_id, department_id, fiscal_year, findings in stored.iterator(chunk_size=2000):
        rows += [
            RuleCount(**row)
            for row in rule_count_rows(
                filing_id=filing_id, department_id=department_id, fiscal_year=fiscal_year, findings=findings
            )
        ]
        if len(rows) >= 5000:
            RuleCount.objects.bulk_create(rows)
            rows = []
    RuleCount.objects.bulk_create(rows)
    grouped = RuleCount.objects.values("department_id", "fiscal_year", "rule_id", "with_errors").annotate(
        n=Count("pk"),
        found=Count("pk", filter=Q(errors__gt=0) | Q(warnings__gt=0)),
        error_sum=Sum("errors"),
        warning_sum=Sum("warnings"),
    )
    CheckTotal.objects.bulk_create(
        [
            CheckTotal(
                department_id=row["department_id"],
                fiscal_year=row["fiscal_year"],
                rule_id=row["rule_id"],
                with_errors=row["with_errors"],
                filings=row["n"],
                with_findings=row["found"],
                errors=row["error_sum"],
                warnings=row["warning_sum"],
            )
            for row in grouped.order_by()
        ],
        batch_size=2000,
    )


def empty(apps, schema_editor):
    apps.get_model("checks", "CheckTotal").objects.all().delete()
    apps.get_model("checks", "RuleCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("checks", "0003_rule_counts_and_totals")]

    operations = [migrations.RunPython(fill, empty)]
