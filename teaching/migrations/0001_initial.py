"""Teaching programmes, sessions and attendance, which began in the badges app.

Their tables and rows already exist: badges 0004 renamed them to teaching_* in the
database, so here the models only enter teaching's state (SeparateDatabaseAndState with no
database operation). Their content types follow them, so that permissions and admin history
name the teaching app. Reversible, with badges 0004.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import teaching.models

MOVED = ["teachingprogramme", "teachingsession", "attendance"]


def relabel_content_types(apps, schema_editor, source: str, target: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        # A database that already has the target's content type (made when the models were
        # first seen under it) keeps it; the source's then goes stale, as Django leaves it.
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_teaching(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "badges", "teaching")


def content_types_to_badges(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "teaching", "badges")


class Migration(migrations.Migration):
    initial = True
    # Built on the entry model's first name, so it must run before that name changes.
    run_before = [("portfolio", "0004_learning_entry")]

    dependencies = [
        ("accounts", "0001_initial"),
        ("portfolio", "0001_initial"),
        # The tables are badges' until badges renames them for teaching.
        ("badges", "0004_teaching_moves_to_teaching_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TeachingProgramme",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("slug", models.SlugField(max_length=80, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="teaching_programmes",
                                to="accounts.organisation",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="TeachingSession",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("starts_at", models.DateTimeField()),
                        ("duration_minutes", models.PositiveIntegerField(default=60)),
                        ("mandatory", models.BooleanField(default=False)),
                        ("location", models.CharField(blank=True, max_length=200)),
                        (
                            "check_in_code",
                            models.CharField(
                                default=teaching.models.new_check_in_code, max_length=6
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sessions",
                                to="teaching.teachingprogramme",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["starts_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Attendance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "method",
                            models.CharField(
                                choices=[
                                    ("register", "Marked on the register"),
                                    ("check_in", "Checked in with the session code"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "event",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="attendance",
                                to="portfolio.learningevent",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "trainee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="attendances",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="teaching.teachingsession",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("session", "trainee"), name="attend_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_teaching, content_types_to_badges),
    ]
