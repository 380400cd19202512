"""The choices of the list's filters, read at a cost that does not grow with the filings.

A ``SELECT DISTINCT`` over the filings reads every one of them to find the three budget years and the
twenty-odd 项目类型 they hold. Instead, each value is found from the one before it by one probe of
an index (a "loose index scan", written as a recursive query): as many probes as there are values.
The same SQL runs on SQLite.
"""

from __future__ import annotations

from django.db import connection

from projects.kinds.project import ProjectHeader
from projects.models import Filing


def filing_years(kind: str) -> list[int]:
    """Every budget year with a filing of ``kind``, the latest first (index: kind, fiscal_year)."""
    table = connection.ops.quote_name(Filing._meta.db_table)
    sql = f"""
        WITH RECURSIVE years(year) AS (
            SELECT max(fiscal_year) FROM {table} WHERE kind = %s
            UNION ALL
            SELECT (SELECT max(fiscal_year) FROM {table} WHERE kind = %s AND fiscal_year < years.year)
            FROM years WHERE years.year IS NOT NULL
        )
        SELECT year FROM years WHERE year IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, kind])
        return [row[0] for row in cursor.fetchall()]


def project_types() -> list[str]:
    """Every 项目类型 written on a 二级 form, in order (index: project_type)."""
    table = connection.ops.quote_name(ProjectHeader._meta.db_table)
    sql = f"""
        WITH RECURSIVE types(type) AS (
            SELECT min(project_type) FROM {table} WHERE project_type > ''
            UNION ALL
            SELECT (SELECT min(project_type) FROM {table} WHERE project_type > types.type)
            FROM types WHERE types.type IS NOT NULL
        )
        SELECT type FROM types WHERE type IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
