from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def signing_key_loads(app_configs, **kwargs):
    """A deployment whose checkpoint key does not load would fail at the first checkpoint,
    hours after it started; say so before it starts."""
    from audit import keys

    keys.signing_key.cache_clear()
    try:
        keys.signing_key()
    except ImproperlyConfigured as error:
        return [Error(f"The audit signing key does not load: {error}", id="audit.E001")]
    return []
