"""django-oauth-toolkit's settings, built here so that config/settings.py only names them."""

from integrations.scopes import DEFAULT_SCOPES, SCOPES


def oauth2_provider_settings(*, access_token_seconds: int) -> dict:
    return {
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": DEFAULT_SCOPES,
        "OAUTH2_VALIDATOR_CLASS": "integrations.validator.WaymarkOAuth2Validator",
        # Every client proves it started the authorization it redeems (RFC 7636), and only
        # with S256: "plain" would send the verifier's equal through the browser.
        "PKCE_REQUIRED": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        # No implicit or password grants: tokens never travel in a redirect, and passwords
        # never reach an app (RFC 9700).
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        # The rest of RFC 9700's advice: access tokens only in the Authorization header,
        # never in a URL; the issuer named in every authorization response (RFC 9207), so
        # a client talking to several servers cannot be mixed up; and tokens kept hashed
        # at rest, so a copy of the database holds none that work.
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
        ],
        # A refresh token works once: each use returns a new one, and a stolen one used
        # after its owner's revokes the whole family.
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "ACCESS_TOKEN_EXPIRE_SECONDS": access_token_seconds,
        "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 90,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        # The consent page is skipped only when a live token already covers every scope
        # the app asks for; anything new is asked for again.
        "REQUEST_APPROVAL_PROMPT": "auto",
        # Where the browser is sent back after consent. Plain http stays allowed for the
        # loopback addresses native apps listen on (RFC 8252); registration refuses it for
        # any other host.
        "ALLOWED_SCHEMES": ["https", "http"],
        # Dynamic Client Registration (RFC 7591), open to anyone as Open Badges 3.0 asks of
        # a host: wallets register themselves. integrations.registration checks what they
        # ask for and limits how often.
        "DCR_ENABLED": True,
        "DCR_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.dcr.AllowAllDCRPermission",),
    }
