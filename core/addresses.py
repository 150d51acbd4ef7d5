"""Which machines Waymark may connect to when someone else chooses the address (a
credential's issuer, a webhook's receiver): a name is resolved once, every address it
resolves to is checked, and the caller connects to the checked address itself, so that a
name which resolves elsewhere a moment later cannot point a request at this site's own
network (DNS rebinding)."""

import ipaddress
import socket

# Cloud metadata services: they hand out the machine's credentials, so they are refused
# even where private addresses are allowed. (AWS, GCP and Azure share the first; the others
# are AWS's IPv6 address, ECS task metadata and Alibaba Cloud's.)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200")
)


class AddressRefused(ValueError):
    pass


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # ::ffff:127.0.0.1 is 127.0.0.1 to the network stack.
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES or address.is_link_local or address.is_unspecified:
        return False
    if address.is_multicast or address.is_reserved:
        return False
    if address.is_global:
        return True
    return allow_private and (address.is_loopback or address.is_private)


def checked_address(host: str, port: int, *, allow_private: bool = False) -> str:
    """The address to connect to for `host`, if every address it resolves to is allowed:
    public ones always; loopback and private ones only with `allow_private`; link-local
    and cloud metadata addresses never."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"{host} could not be found.") from error
    addresses = {info[4][0] for info in found}
    if not addresses:
        raise AddressRefused(f"{host} could not be found.")
    for text in addresses:
        if not _allowed(ipaddress.ip_address(text.split("%")[0]), allow_private):
            kind = "a public internet address" if not allow_private else "an allowed address"
            raise AddressRefused(f"{host} resolves to {text}, which is not {kind}.")
    return sorted(addresses)[0]
