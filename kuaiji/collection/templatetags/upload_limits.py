"""The upload limits as the pages state them, read from the settings the server checks."""

from django import template
from django.conf import settings

from kuaiji.core.images import MEGABYTE

register = template.Library()


@register.simple_tag
def image_max_mb() -> int:
    """The largest photo accepted, in whole MB (``KUAIJI_IMAGE_MAX_BYTES``)."""
    return int(settings.KUAIJI_IMAGE_MAX_BYTES // MEGABYTE)
