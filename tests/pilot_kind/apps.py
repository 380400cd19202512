from django.apps import AppConfig


class PilotKindConfig(AppConfig):
    name = "tests.pilot_kind"
    label = "pilot_kind"
    verbose_name = "试点项目（测试）"
