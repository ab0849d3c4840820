"""RSS: the site's latest articles, and the latest articles with one tag.

Django's Feed objects are shared by every request their URL serves, so these keep nothing on
`self`: what depends on the request (the site, item links) goes into the object that
get_object() returns, which Django hands to every other method.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import conf
from .models import ArticlePage
from .tags import visible_tag_or_404

FEED_ITEMS = 20


@dataclass(frozen=True)
class FeedItem:
    title: str
    description: str
    link: str
    published: object
    updated: object


@dataclass(frozen=True)
class FeedSource:
    """What one request's feed is about: its site, its tag (if any) and its items."""

    site_name: str
    link: str
    items: list
    tag: object = None


def feed_items(articles, request):
    return [
        FeedItem(
            title=article.title,
            description=article.standfirst,
            link=article.get_url(request),
            published=article.first_published_at,
            updated=article.last_published_at,
        )
        for article in articles[:FEED_ITEMS]
    ]


class LatestArticlesFeed(Feed):
    """The site's latest articles."""

    feed_type = Rss201rev2Feed

    def get_object(self, request):
        site = Site.find_for_request(request)
        return FeedSource(
            site_name=conf.site_name(site),
            link=site.root_page.get_url(request) if site else "/",
            items=feed_items(ArticlePage.objects.for_feed(), request),
        )

    def title(self, obj):
        return obj.site_name

    def link(self, obj):
        return obj.link

    def description(self, obj):
        return _("The latest articles from %(site)s") % {"site": obj.site_name}

    def items(self, obj):
        return obj.items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated


class TagFeed(LatestArticlesFeed):
    """The latest articles with one tag; 404 for a tag no public article carries."""

    def get_object(self, request, slug):
        tag = visible_tag_or_404(slug)
        return FeedSource(
            site_name=conf.site_name(Site.find_for_request(request)),
            link=reverse("articles:tag", args=[tag.slug]),
            items=feed_items(ArticlePage.objects.filter(tags=tag).for_feed(), request),
            tag=tag,
        )

    def title(self, obj):
        return _("%(site)s: %(tag)s") % {"site": obj.site_name, "tag": obj.tag.name}

    def description(self, obj):
        return _("The latest articles tagged %(tag)s") % {"tag": obj.tag.name}
