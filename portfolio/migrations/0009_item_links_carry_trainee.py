"""Item links carry their entry's trainee, so one trainee's links are read through one index."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE portfolio_entryitem SET trainee_id = (
    SELECT trainee_id FROM portfolio_learningentry
     WHERE portfolio_learningentry.id = portfolio_entryitem.entry_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0008_evidence_processed_in_a_worker"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="entryitem",
            name="trainee",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="entryitem",
            name="trainee",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="entryitem",
            index=models.Index(fields=["trainee", "item", "entry"], name="entry_item_by_trainee"),
        ),
    ]
