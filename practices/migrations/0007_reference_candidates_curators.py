"""Curators may see and decide on reference candidates (and see their evidence); nobody else gains anything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_referencecandidate", "change_referencecandidate", "view_candidateevidence"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("practices")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="practices", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="practices", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("practices", "0006_reference_candidates")]

    operations = [migrations.RunPython(grant, revoke)]
