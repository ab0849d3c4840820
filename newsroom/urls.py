from django.apps import apps
from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from articles import urls as articles_urls
from articles.caching import public_cache

from . import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", views.search, name="search"),
    path("follow/", views.follow, name="follow"),
    path("sitemap.xml", public_cache(sitemap), name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.touch_icon, name="favicon"),
    path("apple-touch-icon.png", views.touch_icon, name="apple_touch_icon"),
    path("apple-touch-icon-precomposed.png", views.touch_icon),
    path("", include(articles_urls)),
]

# Membership (the patron appeal's beacon) is optional: a site without it still serves articles.
if apps.is_installed("membership"):
    urlpatterns.insert(-1, path("membership/", include("membership.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler500 = views.server_error
