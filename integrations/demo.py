"""The demo's integrations: the first demo trainee has connected the demo e-learning
provider, so that statements the provider sends for her become entries (and statements for
the other trainees, who have not connected it, are refused)."""

from accounts.models import Organisation, User
from integrations.xapi import services as xapi
from integrations.xapi.models import ProviderConnection


def seed(*, provider: Organisation, connected: list[User]) -> None:
    for trainee in connected:
        # Connecting again would audit it again: seeding twice must change nothing.
        if ProviderConnection.objects.filter(user=trainee, organisation=provider).exists():
            continue
        # The trainee connects it herself, as she would on her account page.
        xapi.connect_provider(user=trainee, organisation=provider, actor=trainee)
