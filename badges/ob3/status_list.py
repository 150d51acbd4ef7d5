"""Revocation by W3C Bitstring Status List v1.0.

Each credential gets a random index in its issuer's current list, so that neighbouring
indexes say nothing about who was awarded what, or when. The published list is itself a
credential, BitstringStatusListCredential, signed with the issuer's key; its bitstring is
GZIP-compressed and multibase base64url-encoded, bit 0 being the most significant bit of
the first byte.
"""

import base64
import gzip
import secrets

from badges.models import Endorsement, OpenBadgeCredential, StatusList
from badges.ob3 import urls
from badges.ob3.contexts import CREDENTIALS_V2

PURPOSE = "revocation"
# Half full, a random pick would mostly hit taken bits; a fresh list keeps picks cheap and
# every list still hides each credential among tens of thousands of unused indexes.
FILL_LIMIT = StatusList.SIZE // 2


def random_index() -> int:
    return secrets.randbelow(StatusList.SIZE)


def entry(status_list: StatusList, index: int) -> dict:
    """A credential's credentialStatus."""
    list_url = urls.status_list_url(status_list)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def is_full(status_list: StatusList) -> bool:
    return status_list.places_taken >= FILL_LIMIT


def taken(status_list: StatusList, index: int) -> bool:
    """Whether an award's credential or an endorsement already has the bit: they share the
    issuer's lists, so each picks an index neither kind holds."""
    return (
        OpenBadgeCredential.objects.filter(status_list=status_list, status_index=index).exists()
        or Endorsement.objects.filter(status_list=status_list, status_index=index).exists()
    )


def bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def with_bit_set(bits: bytes, index: int) -> bytes:
    changed = bytearray(bits)
    changed[index // 8] |= 0x80 >> (index % 8)
    return bytes(changed)


def encode(bits: bytes) -> str:
    # mtime=0: the same bits always compress to the same bytes, so the signed list is
    # deterministic given its state.
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url.")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def list_document(status_list: StatusList) -> dict:
    """The unsigned BitstringStatusListCredential."""
    from badges.ob3.credentials import timestamp

    list_url = urls.status_list_url(status_list)
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.profile_url(status_list.issuer),
        "validFrom": timestamp(status_list.updated_at),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(bytes(status_list.bits)),
        },
    }
