"""One word for a learning entry: the models and their foreign keys are renamed from "event"
to "entry". Tables and columns are renamed in place; no row changes. Constraint and index
names keep their first spelling, and so do entries already in the audit log."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0003_audit_log_moves_to_audit_app"),
        ("curriculum", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The constraints and the index that name the renamed foreign keys are taken off
        # first and put back after: SQLite rebuilds a table to rename a foreign key, and
        # would rebuild it with constraints naming a field that no longer exists.
        migrations.RemoveConstraint(model_name="eventitem", name="event_item_unique"),
        migrations.RemoveIndex(model_name="eventitem", name="event_item_by_item"),
        migrations.RemoveConstraint(model_name="signoffrequest", name="one_open_request_per_event"),
        migrations.RenameModel("LearningEvent", "LearningEntry"),
        migrations.RenameModel("EventItem", "EntryItem"),
        migrations.RenameField("entryitem", "event", "entry"),
        migrations.RenameField("evidence", "event", "entry"),
        migrations.RenameField("signoffrequest", "event", "entry"),
        migrations.RenameField("signoff", "event", "entry"),
        migrations.RenameField("reflectionview", "event", "entry"),
        migrations.AddIndex(
            model_name="entryitem",
            index=models.Index(fields=["item", "entry"], name="event_item_by_item"),
        ),
        migrations.AddConstraint(
            model_name="entryitem",
            constraint=models.UniqueConstraint(fields=("entry", "item"), name="event_item_unique"),
        ),
        migrations.AddConstraint(
            model_name="signoffrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("outcome", "open")),
                fields=("entry",),
                name="one_open_request_per_event",
            ),
        ),
        migrations.AlterField(
            model_name="learningentry",
            name="items",
            field=models.ManyToManyField(
                blank=True,
                related_name="entries",
                through="portfolio.EntryItem",
                to="curriculum.item",
            ),
        ),
        migrations.AlterField(
            model_name="learningentry",
            name="tags",
            field=models.ManyToManyField(blank=True, related_name="entries", to="portfolio.tag"),
        ),
        migrations.AlterField(
            model_name="learningentry",
            name="trainee",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="learning_entries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
