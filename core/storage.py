"""The private file storage (evidence, exports), as a model field can hold it.

A FileField takes its storage once, when the model class is made. Holding
`storages["private"]` itself would pin whichever storage was configured at import, so a
STORAGES changed later (a test pointing uploads at another bucket or folder) would be
ignored by the field while every other reader followed it. This stands in for it and looks
it up again whenever STORAGES changes, as Django's own `default_storage` does.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    # Django resets `storages` itself on this signal (django.test.signals.storages_changed).
    if setting == "STORAGES":
        private_storage._wrapped = empty
