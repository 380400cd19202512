from django.apps import AppConfig
from django.db.models.signals import post_delete


class ChecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checks"
    verbose_name = "申报表检查"

    def ready(self) -> None:
        from checks.counts import filing_deleted
        from projects.models import Filing

        # However a filing is deleted (a page, the admin, a command), the report's totals follow.
        post_delete.connect(filing_deleted, sender=Filing, dispatch_uid="checks_totals_after_filing_deleted")
