from django.urls import path

from . import feeds, views

app_name = "articles"


def per_request(feed_class):
    """A view that builds a new `feed_class` for each request.

    Django's Feed is one object shared by every request its URL pattern serves, and ours keep
    the request on `self` (item links need it): one instance per request keeps concurrent
    requests, under a threaded server, from reading each other's.
    """

    def view(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    view.feed_class = feed_class
    view.__name__ = view.__qualname__ = feed_class.__name__
    view.__doc__ = feed_class.__doc__
    return view


urlpatterns = [
    path("feed/", per_request(feeds.LatestArticlesFeed), name="feed"),
    # Tag slugs may be Unicode (taggit keeps them), so <str:slug>, not <slug:slug>.
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("tags/<str:slug>/feed/", per_request(feeds.TagFeed), name="tag_feed"),
]
