import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.models import Filing
from projects.services.pdf import filing_pdf, printed_reviews

# One 二级 form with seven 三级 rows under one 二级 (质量), one with four 不适用 categories; a 一级 form
# with its 测算明细 row; a 部门整体 form with its tasks. (kind, code or name, year, image name)
SAMPLES = [
    ("project", "440304221061500600010", None, "form-440304221061500600010"),
    ("project", "440306210601500000540", None, "form-440306210601500000540"),
    ("program", "大厅运营事务", 2021, "form-program-2021"),
    ("overall", "", 2023, "form-overall-2023"),
]


class Command(DatabaseCommand):
    help = (
        "用 pdftoppm 把示例申报表的 PDF 逐页转成 PNG，供目视检查版式（默认两张二级项目、一张一级项目、"
        "一张部门整体，写入 docs/）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", default=[], help="项目编码（默认为上述四张示例申报表）")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs"), help="输出目录")
        parser.add_argument("--dpi", type=int, default=80)

    def handle(self, *args, codes, output, dpi, **options):
        if not shutil.which("pdftoppm"):
            raise CommandError("找不到 pdftoppm：请安装 Debian 包 poppler-utils")
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        wanted = [("project", code, None, f"form-{code}") for code in codes] if codes else SAMPLES
        for kind, identity, year, stem in wanted:
            filings = Filing.objects.filter(kind=kind)
            if kind == "project":
                filings = filings.filter(code=identity)
            elif identity:
                filings = filings.filter(name=identity)
            if year:
                filings = filings.filter(fiscal_year=year)
            filing = filings.order_by("-fiscal_year", "pk").first()
            if filing is None:
                raise CommandError(f"没有申报表“{identity or kind}”；请先运行 manage.py load_demo 导入示例申报表")
            pdf = filing_pdf(filing=filing, review=printed_reviews([filing]).get(filing.pk))
            for path in self._pages(pdf, directory / stem, dpi):
                self.stdout.write(str(path))

    def _pages(self, pdf: bytes, stem: Path, dpi: int) -> list[Path]:
        for old in stem.parent.glob(f"{stem.name}-*.png"):
            old.unlink()
        with tempfile.TemporaryDirectory(prefix="budgetperf-pages-") as scratch:
            source = Path(scratch) / "form.pdf"
            source.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", source, Path(scratch) / "page"], check=True)
            # pdftoppm pads page numbers to the page count's width; the names here are plain.
            rendered = sorted(Path(scratch).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            return [Path(shutil.move(page, f"{stem}-{number}.png")) for number, page in enumerate(rendered, start=1)]
