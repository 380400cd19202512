from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from checks.models import FilingCheck, RuleSetting
from checks.services import filing_check_refresh
from jobs.services import job_start
from projects.models import Filing
from projects.selectors import visible_filing_rows


def refresh_template_checks(request, template_id: int, *, reason: str) -> None:
    """Re-checks every filing of a template in the background, and says so with a link to the job."""
    job = job_start(
        kind="recheck",
        title=f"{reason}重新检查（模板 {template_id}）",
        key=f"recheck:{template_id}",
        params={"template_id": template_id},
        user=request.user,
    )
    link = format_html('<a href="{}">{}</a>', reverse("jobs:job", args=[job.pk]), "查看进度")
    messages.info(request, format_html("正在后台{}重新检查该模板的申报表（{}）。", reason, link))


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """Switching a rule off or changing its severity re-checks every filing of the template."""

    list_display = ["rule_id", "template", "enabled", "severity"]
    list_editable = ["enabled", "severity"]
    list_filter = ["template", "enabled"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._refresh(request, obj.template_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._refresh(request, obj.template_id)

    def delete_queryset(self, request, queryset):
        templates = set(queryset.values_list("template_id", flat=True))
        super().delete_queryset(request, queryset)
        for template_id in templates:
            self._refresh(request, template_id)

    def _refresh(self, request, template_id):
        refresh_template_checks(request, template_id, reason="按新的规则设置")


@admin.register(FilingCheck)
class FilingCheckAdmin(admin.ModelAdmin):
    list_display = ["filing", "errors", "warnings", "checked_at"]
    list_filter = ["filing__kind", "filing__fiscal_year", "filing__status"]
    search_fields = ["filing__code", "filing__name"]
    list_select_related = ["filing__department"]
    readonly_fields = ["filing", "errors", "warnings", "findings", "checked_at"]
    actions = ["recheck"]
    show_full_result_count = False  # one count of the list, not a second of every check

    def get_queryset(self, request):
        checks = visible_filing_rows(super().get_queryset(request), request.user)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            checks = checks.defer("findings")  # the list shows the counts, not the findings
        return checks

    def has_add_permission(self, request):
        return False

    @admin.action(description="重新检查所选申报表")
    def recheck(self, request, queryset):
        checks = filing_check_refresh(filings=Filing.objects.filter(filing_check__in=queryset))
        self.message_user(request, f"已重新检查 {len(checks)} 张申报表。", messages.SUCCESS)
