from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    # Tag slugs may be Unicode (taggit keeps them), so <str:slug>, not <slug:slug>.
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
]
