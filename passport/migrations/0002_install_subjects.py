"""The UK Core Skills Training Framework's subjects, from passport/data/uk-cstf.json, so
every site has them from the start; `install_training_subjects` brings them up to date."""

from django.db import migrations

from passport.subjects import install


def install_subjects(apps, schema_editor):
    install(apps.get_model("passport", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("passport", "0001_subjects_and_acceptances")]

    operations = [migrations.RunPython(install_subjects, migrations.RunPython.noop)]
