from django.urls import path

from . import feeds, views
from .caching import public_cache

app_name = "articles"

urlpatterns = [
    path("feed/", public_cache(feeds.LatestArticlesFeed()), name="feed"),
    # Tag slugs may be Unicode (taggit keeps them), so <str:slug>, not <slug:slug>.
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("tags/<str:slug>/feed/", public_cache(feeds.TagFeed()), name="tag_feed"),
]
