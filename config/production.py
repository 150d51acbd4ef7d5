"""What production refuses to start without."""

from django.core.exceptions import ImproperlyConfigured


def refuse_half_configured(env) -> None:
    # Refuse to start half-configured: a production site with a guessable key, an open
    # Host header or a throwaway SQLite file is worse than one that does not start. SITE_URL
    # is baked into every issued badge; without REDIS_URL tasks would silently run in the
    # web process; TOTP secrets get a key of their own, so that it can be rotated apart
    # from SECRET_KEY and a leaked SECRET_KEY alone does not open them.
    missing = [
        name
        for name in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "SITE_URL",
            "REDIS_URL",
            "MFA_ENCRYPTION_KEY",
        )
        if not env(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: "
            + ", ".join(missing)
            + ". See 'Configuration' in README.md."
        )
    if not env("AUDIT_SIGNING_KEY", default="") and not env("AUDIT_SIGNING_KEY_FILE", default=""):
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE: the key "
            "that signs audit checkpoints lives outside the database. See README.md."
        )
    if not env("BADGE_KEY_ENCRYPTION_KEYS", default=""):
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs BADGE_KEY_ENCRYPTION_KEYS: the Fernet key(s) that "
            "encrypt issuers' Open Badges signing keys at rest. See README.md."
        )
    if env("MFA_ENCRYPTION_KEY") == env("SECRET_KEY"):
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs an MFA_ENCRYPTION_KEY of its own, not SECRET_KEY."
        )
