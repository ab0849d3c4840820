from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Site

from .conf import site_name
from .models import ArticlePage
from .tags import visible_tag_or_404

FEED_ITEMS = 20


class LatestArticlesFeed(Feed):
    """The site's latest articles.

    An instance serves one request (it keeps the request, for item links): route to it
    through a view that creates one per request, as articles.urls does, never to a shared
    instance.
    """

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def title(self):
        return site_name()

    def link(self):
        site = Site.find_for_request(self.request)
        return site.root_page.get_url(self.request) if site else "/"

    def description(self):
        return _("The latest articles from %(site)s") % {"site": site_name()}

    def articles(self):
        return ArticlePage.objects.for_listing()

    def items(self, obj=None):
        return self.articles().select_related(None)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


class TagFeed(LatestArticlesFeed):
    """The latest articles with one tag; 404 for a tag no public article carries."""

    def get_object(self, request, slug):
        self.request = request
        return visible_tag_or_404(slug)

    def title(self, obj):
        return _("%(site)s: %(tag)s") % {"site": site_name(), "tag": obj.name}

    def link(self, obj):
        return reverse("articles:tag", args=[obj.slug])

    def description(self, obj):
        return _("The latest articles tagged %(tag)s") % {"tag": obj.name}

    def items(self, obj):
        return ArticlePage.objects.filter(tags=obj).for_listing().select_related(None)[:FEED_ITEMS]
