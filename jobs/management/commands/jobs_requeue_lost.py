from django.core.management.base import BaseCommand

from jobs.services import jobs_requeue_lost


class Command(BaseCommand):
    help = "重新排队无人处理的后台任务（处理它的进程已中断），可由定时任务运行"

    def handle(self, *args, **options):
        self.stdout.write(f"重新排队 {jobs_requeue_lost()} 个后台任务")
