import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("teaching", "0001_initial"),
        ("portfolio", "0004_learning_entry"),
    ]

    operations = [
        migrations.RenameField("attendance", "event", "entry"),
        migrations.AlterField(
            model_name="attendance",
            name="entry",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="attendance",
                to="portfolio.learningentry",
            ),
        ),
    ]
