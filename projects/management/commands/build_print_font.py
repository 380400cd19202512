import time

from django.core.management.base import BaseCommand, CommandError
from fontTools.ttLib import TTLibError

from projects.printing import font
from projects.services.pdf import print_font_path


class Command(BaseCommand):
    help = (
        "由 Noto Serif CJK SC 生成申报表打印用的精简字体（GB 2312 字符及常用符号），"
        "PDF 因此更小、生成更快；字体中没有的字符仍以完整的 Noto Serif CJK SC 打印。已生成时不再重复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="已存在时也重新生成")

    def handle(self, *args, force, **options):
        target = print_font_path()
        if target.exists() and not force:
            self.stdout.write(f"打印字体已存在：{target}")
            return
        started = time.perf_counter()
        try:
            glyphs = font.build(target)
        except (OSError, TTLibError) as error:
            raise CommandError(f"无法生成打印字体：{error}") from error
        self.stdout.write(f"打印字体已生成：{target}（{glyphs} 个字形，{time.perf_counter() - started:.1f} s）")
        for earlier in target.parent.glob(font.EARLIER_FILES):
            if earlier != target:
                earlier.unlink()
                self.stdout.write(f"已删除旧版打印字体：{earlier}")
