"""Generates a city of filings into the configured (empty) database, to measure pages at scale."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.citygen.city import PASSWORD, REFERENCE_PROJECTS, CityNotEmpty, CityOptions, generate_city


class Command(BaseCommand):
    help = (
        "在空数据库中生成一座城市的申报表（默认 10 个区、505 个单位、三年共 100,000 张二级项目），"
        "由 samples/ 中示例申报表的样式改变编码、名称、单位、年度和金额而来（--seed 固定时结果相同）："
        "每个单位每年的一级项目表和一张部门整体表（含年度主要任务），填报人、单位审核人、全区审核人和管理员账号（密码 "
        f"{PASSWORD}），审核流转记录及快照，按真实规则得出的检查结果，"
        "以及导入时会写的修改记录（每张表、表头、指标行、任务各一条“新增”）。"
        "不生成站内通知和任务与项目的手工对应；部门整体表的检查不含规则 16（与项目对照）。"
        "PostgreSQL 上用 COPY 写入（以超级用户连接时本事务不触发外键检查的触发器，快约一倍），其他数据库分批插入；"
        "整个生成在一个事务中，出错时不留下任何数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--projects", type=int, default=REFERENCE_PROJECTS, help="二级项目总数，单位数等按比例（默认 100000）"
        )
        parser.add_argument("--seed", type=int, default=22, help="随机数种子（默认 22）")
        parser.add_argument("--years", default="2023,2024,2025", help="预算年度，逗号分隔（默认 2023,2024,2025）")

    def handle(self, *args, **options) -> None:
        try:
            years = tuple(sorted({int(year) for year in options["years"].split(",") if year.strip()}))
        except ValueError:
            raise CommandError(f"--years 应为逗号分隔的年度，如 2023,2024,2025：{options['years']}") from None
        if not years or options["projects"] < 1:
            raise CommandError("--projects 至少为 1，--years 至少一个年度")
        city = CityOptions(projects=options["projects"], seed=options["seed"], years=years)
        try:
            counts = generate_city(options=city, say=self.stdout.write)
        except CityNotEmpty as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已生成：{counts['districts']} 个区、{counts['units']:,} 个单位、{counts['accounts']:,} 个账号；"
            f"二级项目 {counts['project']:,} 张、一级项目 {counts['program']:,} 张、部门整体 {counts['overall']:,} 张，"
            f"指标行 {counts['indicators']:,} 条，流转记录 {counts['transitions']:,} 条；用时 {counts['seconds']} s"
        )
