from django.conf import settings


def site_name(request):
    return {"NEWSROOM_SITE_NAME": settings.WAGTAIL_SITE_NAME}
