"""How allauth fits Waymark: encryption of MFA secrets at rest."""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings


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
