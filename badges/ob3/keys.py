"""Issuer signing keys: Ed25519, one current key per issuer, the private half encrypted at
rest, the public half published as a Multikey.

The private keys are encrypted with Fernet keys from the environment, not the database:
BADGE_KEY_ENCRYPTION_KEYS holds one or more comma-separated Fernet keys, the first used to
encrypt and all of them to decrypt (MultiFernet), so the encryption key itself rotates:
put the new one first, run `manage.py reencrypt_badge_keys`, then drop the old one.
Development makes a key file of its own on first use; production refuses to start
without the variable.
"""

from functools import cache
from pathlib import Path

import base58
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# The multicodec prefix of an Ed25519 public key (varint 0xed), as Multikey requires.
ED25519_PUB_PREFIX = b"\xed\x01"


@cache
def encryption() -> MultiFernet:
    texts = settings.BADGE_KEY_ENCRYPTION_KEYS or [_read_or_create_dev_key()]
    try:
        return MultiFernet([Fernet(text.strip().encode()) for text in texts])
    except ValueError as error:
        raise ImproperlyConfigured(
            "BADGE_KEY_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated; see README.md."
        ) from error


def _read_or_create_dev_key() -> str:
    if not settings.DEVELOPMENT or not settings.BADGE_KEY_ENCRYPTION_KEY_FILE:
        raise ImproperlyConfigured("Set BADGE_KEY_ENCRYPTION_KEYS.")
    path = Path(settings.BADGE_KEY_ENCRYPTION_KEY_FILE)
    if not path.exists():
        # Development only: a key of this machine's own, made on first use.
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text()


@receiver(setting_changed)
def _forget_encryption(*, setting, **kwargs):
    if setting.startswith("BADGE_KEY_ENCRYPTION"):
        encryption.cache_clear()


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def encrypt_private_key(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return encryption().encrypt(raw).decode()


def decrypt_private_key(token: str) -> Ed25519PrivateKey:
    try:
        raw = encryption().decrypt(token.encode())
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An issuer's signing key does not decrypt with BADGE_KEY_ENCRYPTION_KEYS: was a "
            "key removed before `reencrypt_badge_keys` ran?"
        ) from error
    return Ed25519PrivateKey.from_private_bytes(raw)


def reencrypt(token: str) -> str:
    """The same private key under the first (newest) encryption key."""
    return encryption().rotate(token.encode()).decode()


def multibase(raw: bytes) -> str:
    """base58btc multibase ('z' prefix), as Multikey and Data Integrity proofs use."""
    return "z" + base58.b58encode(raw).decode()


def from_multibase(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("Only base58btc multibase values (starting 'z') are understood.")
    return base58.b58decode(text[1:])


def public_key_multibase(raw_public_key: bytes) -> str:
    return multibase(ED25519_PUB_PREFIX + raw_public_key)


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    decoded = from_multibase(text)
    if not decoded.startswith(ED25519_PUB_PREFIX) or len(decoded) != 34:
        raise ValueError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])
