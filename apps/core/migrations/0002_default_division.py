from django.db import migrations


def create_default_division(apps, schema_editor):
    Division = apps.get_model("core", "Division")
    Division.objects.get_or_create(slug="main", defaults={"name": "Main"})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_default_division, migrations.RunPython.noop)]
