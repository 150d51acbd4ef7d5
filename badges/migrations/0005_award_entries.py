from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0004_teaching_moves_to_teaching_app"),
        ("portfolio", "0004_learning_entry"),
    ]

    operations = [
        migrations.RenameField("award", "events", "entries"),
        migrations.AlterField(
            model_name="award",
            name="entries",
            field=models.ManyToManyField(
                blank=True, related_name="awards", to="portfolio.learningentry"
            ),
        ),
    ]
