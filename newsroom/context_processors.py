from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from articles import conf


def site_name(request):
    """NEWSROOM_SITE_NAME for the project's templates: the Wagtail Site's name (Settings →
    Sites), else WAGTAIL_SITE_NAME. Looked up only when a template uses it."""
    return {
        "NEWSROOM_SITE_NAME": SimpleLazyObject(
            lambda: conf.site_name(Site.find_for_request(request))
        )
    }
