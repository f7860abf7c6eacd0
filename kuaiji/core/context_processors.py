from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.KUAIJI_SITE_NAME,
        "department_name": settings.KUAIJI_DEPARTMENT_NAME,
        "is_demo": settings.IS_DEMO,
    }
