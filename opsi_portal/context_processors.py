"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "DATA_LICENCE": settings.DATA_LICENCE}
