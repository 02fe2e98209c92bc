"""The Curators group: add, change and view every content record; no users, no groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "incubator": ["country", "organisation", "programme", "participation", "partnership", "partnershipmember", "toolkit"],
    "practices": ["practice", "theme", "video", "themedpractice", "countrymention", "toolkitmention"],
}
# Rows that only link two records: removing one is part of editing its parent (a wrong country
# mention, a partner that left), so curators may delete these and nothing else.
DELETABLE_LINKS = {
    "incubator": ["participation", "partnershipmember"],
    "practices": ["themedpractice", "countrymention", "toolkitmention"],
}


def create_group(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the group can hold them.
    for app_label in CONTENT_MODELS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = []
    for app_label, models in CONTENT_MODELS.items():
        for model in models:
            codenames += [(app_label, f"{action}_{model}") for action in ("add", "change", "view")]
    for app_label, models in DELETABLE_LINKS.items():
        codenames += [(app_label, f"delete_{model}") for model in models]
    group, _ = Group.objects.get_or_create(name="Curators")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
        ("incubator", "0002_all_countries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
