"""Every ISO 3166-1 country exists from the first migrate, so filters and detection never invent one."""

from django.db import migrations
from django.utils.text import slugify
from django_countries import countries


def create_countries(apps, schema_editor):
    Country = apps.get_model("incubator", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(code=code, name=str(name), slug=slugify(str(name)))
        for code, name in countries
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("incubator", "0001_initial")]

    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
