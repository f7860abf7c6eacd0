from django import template

from ..selectors import current_announcements

register = template.Library()


@register.inclusion_tag("announcements/latest.html")
def latest_announcements(count: int = 3):
    """The newest notices in force, for the public pages (the sign-in page is the site's front door)."""
    return {"announcements": list(current_announcements()[:count])}
