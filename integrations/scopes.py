"""What third-party apps may ask for, in the words the consent page uses. Kept free of
Django imports: settings read it to configure the authorization server."""

OB_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
OB_CREDENTIAL_READ = OB_SCOPE + "credential.readonly"
OB_CREDENTIAL_UPSERT = OB_SCOPE + "credential.upsert"
OB_PROFILE_READ = OB_SCOPE + "profile.readonly"
OB_PROFILE_UPDATE = OB_SCOPE + "profile.update"

# Each scope, explained to the person asked to allow it.
SCOPES = {
    "profile": (
        "See your name, email address, GMC number, and your organisations, roles and programmes."
    ),
    "entries:read": (
        "Read your learning entries, their evidence, reflections, sign-offs and coverage."
    ),
    "entries:write": (
        "Add, change and delete your learning entries and evidence, and ask for sign-off."
    ),
    "badges:read": "See the badges you have earned and your progress towards others.",
    "exports": "Export your portfolio as a PDF or a portable archive.",
    # The Open Badges 3.0 API's own scopes (1EdTech), for badge wallets and other hosts.
    OB_CREDENTIAL_READ: "Copy the Open Badges credentials of the badges you have earned.",
    OB_CREDENTIAL_UPSERT: (
        "Add badges issued elsewhere to your Waymark portfolio, which checks each one."
    ),
    OB_PROFILE_READ: "See your name and email address as your Open Badges profile.",
    OB_PROFILE_UPDATE: "Change your name as your Open Badges profile shows it.",
    "webhooks": (
        "Be told when your entries, badges or exports change (ids and links only), "
        "and see what it was told."
    ),
}

# What an app gets when it names no scope: the least there is.
DEFAULT_SCOPES = ["profile"]


def in_words(scope: str) -> list[str]:
    """A token's space-separated scopes as the sentences above, in the order above."""
    granted = set(scope.split())
    return [words for name, words in SCOPES.items() if name in granted]
