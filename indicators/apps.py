from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "绩效指标"

    def ready(self) -> None:
        from indicators.models import FormTemplate, forget_layouts

        # A template edited in the admin takes effect at once in this process.
        post_save.connect(forget_layouts, sender=FormTemplate, dispatch_uid="forget_layouts_on_save")
        post_delete.connect(forget_layouts, sender=FormTemplate, dispatch_uid="forget_layouts_on_delete")
