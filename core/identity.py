"""Identity that travels between Waymark sites."""

import uuid

from django.db import models


class PortableIdentity(models.Model):
    """A stable UUID for what a trainee owns, so that a portable archive names its objects
    without database ids and another Waymark importing it twice recognises them."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
