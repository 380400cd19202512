from django.contrib import admin

from indicators.models import FormTemplate, Level1Category, Level2Category


class Level2Inline(admin.TabularInline):
    model = Level2Category
    extra = 0
    fields = ["order", "name", "required", "aliases"]


@admin.register(Level1Category)
class Level1CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "template", "order"]
    list_filter = ["template"]
    inlines = [Level2Inline]


class Level1Inline(admin.TabularInline):
    model = Level1Category
    extra = 0
    fields = ["order", "name", "aliases"]
    show_change_link = True


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_default"]
    inlines = [Level1Inline]
