from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目申报"

    def ready(self) -> None:
        from projects import background  # noqa: F401  (registers the background jobs of filings)
