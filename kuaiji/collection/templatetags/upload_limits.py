"""The upload limits as the pages state them, read from the settings the server checks."""

from django import template

from kuaiji.core.images import image_max_megabytes

register = template.Library()


@register.simple_tag
def image_max_mb() -> int:
    """The largest photo accepted, in whole MB (``KUAIJI_IMAGE_MAX_BYTES``)."""
    return image_max_megabytes()
