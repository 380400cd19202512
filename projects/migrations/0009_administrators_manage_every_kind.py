"""管理员 manages the filings of every kind in the admin: each kind has its pages (a proxy of Filing,
with permissions of its own), its header inline and, for 部门整体, its tasks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_PERMISSIONS = {
    "projectfiling": ["add", "change", "delete", "view"],
    "programfiling": ["add", "change", "delete", "view"],
    "overallfiling": ["add", "change", "delete", "view"],
    "projectheader": ["add", "change", "view"],
    "programheader": ["add", "change", "view"],
    "overallheader": ["add", "change", "view"],
    "overalltask": ["add", "change", "delete", "view"],
}


def grant(apps, schema_editor):
    # On a fresh database permissions are only created after all migrations ran; create them now.
    config = apps.get_app_config("projects")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in ADMIN_PERMISSIONS.items() for action in actions]
    administrators, _ = Group.objects.get_or_create(name="管理员")
    administrators.permissions.add(
        *Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in ADMIN_PERMISSIONS.items() for action in actions]
    for group in Group.objects.filter(name="管理员"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="projects", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_kind_admin_pages")]
    operations = [migrations.RunPython(grant, revoke)]
