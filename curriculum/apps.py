import sys

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self):
        post_migrate.connect(load_shipped_frameworks_after_migrate, sender=self)


def load_shipped_frameworks_after_migrate(
    sender, *, using, apps=global_apps, verbosity=1, **kwargs
):
    """Every `migrate` (and every test database, including after the flush that ends a
    transactional test) ends with the shipped frameworks present and up to date. When they
    already are, this costs a few queries per framework. `flush` sends no `apps`: the
    schema is then the current one."""
    if using != DEFAULT_DB_ALIAS or not _schema_is_current(apps, using):
        return
    from curriculum.importers import ImportFailed
    from curriculum.services import load_shipped_frameworks

    try:
        results = load_shipped_frameworks(actor=None)
    except ImportFailed as e:
        # A shipped file that can no longer be applied (an item it dropped is still
        # required by a programme) needs a person to decide; the schema changes that
        # `migrate` made stand either way.
        sys.stderr.write(f"Could not update the shipped curriculum frameworks: {e}\n")
        return
    if verbosity >= 2:
        for result in results:
            if not result.unchanged:
                sys.stdout.write(f"  {result.summary()}\n")


def _schema_is_current(apps, using) -> bool:
    """The importer uses the real models, so it runs only when the database has their
    tables as they are now: not after `migrate accounts 0001`, say, or while a curriculum
    migration is still unapplied."""
    from curriculum.models import Framework, Item

    tables = set(connections[using].introspection.table_names())
    for model in (Framework, Item):
        try:
            historical = apps.get_model(model._meta.label)
        except LookupError:
            return False
        if model._meta.db_table not in tables:
            return False
        columns = {f.column for f in model._meta.concrete_fields}
        if columns != {f.column for f in historical._meta.concrete_fields}:
            return False
    return True
