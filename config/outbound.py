"""Connections Waymark makes to addresses other people choose: webhook receivers, and the
domains issuers say they control. Development may reach servers on this machine; production
reaches only public addresses, over HTTPS for issuers' domains. Link-local and cloud
metadata addresses are refused everywhere (core.addresses)."""


def outbound_settings(env, *, development: bool) -> dict:
    return {
        # Webhooks and issuers' domain checks to loopback and private addresses.
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": env.bool(
            "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=development
        ),
        # An issuer whose address is http:// is checked over http, at that address's port,
        # so that a server started for a test or a demo can answer; otherwise always
        # https://<domain>/ on the default port, whatever the issuer's address says.
        "ISSUER_VERIFICATION_ALLOW_HTTP": env.bool(
            "ISSUER_VERIFICATION_ALLOW_HTTP", default=development
        ),
        # Badges a trainee adds from elsewhere are fetched from where they are hosted: over
        # http and from this machine's own addresses too, so that another Waymark started
        # for a test or a demo can answer; otherwise https on the default port, public
        # addresses only.
        "BACKPACK_ALLOW_HTTP": env.bool("BACKPACK_ALLOW_HTTP", default=development),
    }
