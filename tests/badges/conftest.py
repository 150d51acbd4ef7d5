import pytest

from badges import demo


@pytest.fixture
def badge_classes(org_a):
    """The demo badge classes, issued by organisation A."""
    demo.create_badge_classes(org_a)


@pytest.fixture
def add(enrolled_trainee):
    """Log entries for the trainee through the portfolio service (signals and all)."""
    from portfolio import services

    def add(count=1, **fields):
        defaults = {"kind": "social_media", "title": "#FOAMed journal club", "date": "2026-11-02"}
        return [
            services.log_entry(
                actor=enrolled_trainee, trainee=enrolled_trainee, **{**defaults, **fields}
            )[0]
            for _ in range(count)
        ]

    return add


@pytest.fixture
def sign_off(enrolled_trainee, supervisor):
    """Take entries through sign-off by the trainee's supervisor, as the pages do."""
    from portfolio import services

    def sign_off(entries):
        for entry in entries:
            services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
            services.approve(entry=entry, actor=supervisor, comment="Seen and discussed.")
        return entries

    return sign_off


@pytest.fixture(autouse=True)
def badge_key_encryption(settings):
    """A Fernet key of the test's own for issuers' signing keys, never the machine's file."""
    from cryptography.fernet import Fernet

    settings.BADGE_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
