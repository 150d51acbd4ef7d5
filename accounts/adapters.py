"""How allauth fits Waymark: links in its emails, and encryption of MFA secrets at rest."""

import base64
import hashlib
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from core.site import absolute_url, public_site


class AccountAdapter(DefaultAccountAdapter):
    """Links in sign-up and password emails point at SITE_URL, like every other address
    Waymark gives out, not at whatever Host header the request that sent them carried."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": public_site(), **context})

    def format_email_subject(self, subject: str) -> str:
        prefix = account_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{public_site().name}] "
        return prefix + str(subject)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own URL pattern splits the opaque key into uidb36 and key.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))


class MFAAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery-code seeds encrypted, so a database dump alone
    cannot mint second factors."""

    def _fernet(self) -> Fernet:
        secret = settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY
        key = base64.urlsafe_b64encode(hashlib.sha256(f"waymark-mfa:{secret}".encode()).digest())
        return Fernet(key)

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
