"""The three roles as auth groups. 管理员 gets the admin permissions it needs to manage filings,
units and accounts; 填报人 and 审核人 work in the application pages, not in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_GROUPS = ["填报人", "审核人", "管理员"]
ADMIN_PERMISSIONS = {
    "projects": {
        "department": ["add", "change", "delete", "view"],
        "project": ["add", "change", "delete", "view"],
        "assignment": ["add", "change", "delete", "view"],
        "transition": ["view"],
    },
    "indicators": {
        "indicator": ["add", "change", "delete", "view"],
        "formtemplate": ["view"],
        "level1category": ["view"],
        "level2category": ["view"],
    },
    "auth": {"user": ["add", "change", "view"], "group": ["view"]},
}


def create_groups(apps, schema_editor):
    # On a fresh database permissions are only created after all migrations ran; create them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    # Importing filings is a permission of its own; the roles that file or manage filings hold it.
    import_filings = Permission.objects.get(content_type__app_label="projects", codename="import_filings")
    for name in ("填报人", "管理员"):
        Group.objects.get(name=name).permissions.add(import_filings)
    administrators = Group.objects.get(name="管理员")
    for app_label, models in ADMIN_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            administrators.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_project_version_and_transitions"),
        ("indicators", "0005_indicator_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
