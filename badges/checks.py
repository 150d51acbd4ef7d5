from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def badge_key_encryption_loads(app_configs, **kwargs):
    """Without the encryption keys no badge can be signed; say so before the first award."""
    from badges.ob3 import keys

    keys.encryption.cache_clear()
    try:
        keys.encryption()
    except ImproperlyConfigured as error:
        return [Error(f"Badge signing keys cannot be decrypted: {error}", id="badges.E001")]
    return []
