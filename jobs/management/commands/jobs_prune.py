from django.core.management.base import BaseCommand

from jobs.services import jobs_prune


class Command(BaseCommand):
    help = "删除结果已过期的后台任务及其文件，可由定时任务每天运行"

    def handle(self, *args, **options):
        self.stdout.write(f"删除 {jobs_prune()} 个已过期的后台任务")
