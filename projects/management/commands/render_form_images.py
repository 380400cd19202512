import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.models import Project
from projects.services.pdf import printed_reviews, project_pdf

# One form with seven 三级 rows under one 二级 (质量), one with four 不适用 categories.
SAMPLE_CODES = ["440304221061500600010", "440306210601500000540"]


class Command(DatabaseCommand):
    help = "用 pdftoppm 把示例申报表的 PDF 逐页转成 PNG，供目视检查版式（默认两张，写入 docs/）。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", default=SAMPLE_CODES, help="项目编码（默认两张示例申报表）")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs"), help="输出目录")
        parser.add_argument("--dpi", type=int, default=80)

    def handle(self, *args, codes, output, dpi, **options):
        if not shutil.which("pdftoppm"):
            raise CommandError("找不到 pdftoppm：请安装 Debian 包 poppler-utils")
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        for code in codes:
            project = Project.objects.filter(code=code).order_by("-fiscal_year").first()
            if project is None:
                raise CommandError(f"没有项目编码为 {code} 的项目；请先运行 manage.py load_demo 导入示例申报表")
            pdf = project_pdf(project=project, review=printed_reviews([project]).get(project.pk))
            for path in self._pages(pdf, directory / f"form-{code}", dpi):
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
