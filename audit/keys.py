"""The key that signs audit checkpoints. It lives outside the database (the environment or a
key file), so rewriting the database is not enough to forge a checkpoint.

AUDIT_SIGNING_KEY holds a PEM Ed25519 private key, or AUDIT_SIGNING_KEY_FILE names a file
holding one. Development creates a key file on first use; production refuses to start
without one. After a rotation, the old public key goes in AUDIT_TRUSTED_PUBLIC_KEYS so the
checkpoints it signed still verify.
"""

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()[:16]

    @property
    def text(self) -> str:
        """The raw 32-byte key, base64url: what AUDIT_TRUSTED_PUBLIC_KEYS takes."""
        return b64url(self.raw)

    def verifies(self, signature: str, message: bytes) -> bool:
        try:
            self.key.verify(from_b64url(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True


def public_key_from_text(text: str) -> PublicKey:
    try:
        return PublicKey(Ed25519PublicKey.from_public_bytes(from_b64url(text.strip())))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"AUDIT_TRUSTED_PUBLIC_KEYS holds {text!r}, which is not a base64url Ed25519 "
            "public key."
        ) from error


@cache
def signing_key() -> Ed25519PrivateKey:
    pem = settings.AUDIT_SIGNING_KEY or _read_or_create(settings.AUDIT_SIGNING_KEY_FILE)
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except ValueError as error:
        raise ImproperlyConfigured(
            "The audit signing key is not a PEM private key; see 'Configuration' in README.md."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The audit signing key must be an Ed25519 key.")
    return key


def _read_or_create(path) -> str:
    if not path:
        raise ImproperlyConfigured("Set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE.")
    path = Path(path)
    if not path.exists():
        if not settings.DEVELOPMENT:
            raise ImproperlyConfigured(f"The audit signing key file {path} does not exist.")
        # Development only: a key of this machine's own, made on first use.
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


def current_public_key() -> PublicKey:
    return PublicKey(signing_key().public_key())


def trusted_public_keys() -> dict[str, PublicKey]:
    """The current key and every earlier one still trusted, by key id."""
    keys = [current_public_key()] + [
        public_key_from_text(text) for text in settings.AUDIT_TRUSTED_PUBLIC_KEYS
    ]
    return {key.key_id: key for key in keys}


def sign(message: bytes) -> tuple[str, str]:
    """The signature (base64url) and the signing key's id."""
    return b64url(signing_key().sign(message)), current_public_key().key_id


@receiver(setting_changed)
def _forget_key(*, setting, **kwargs):
    if setting.startswith("AUDIT_SIGNING_KEY"):
        signing_key.cache_clear()
