"""factory_boy factories for the Wagtail page tree and snippets, built on wagtail-factories.

Pages are added under `parent` (default: the home page, or News for articles) and published
through a revision, as the admin does, unless `live=False` (then they are saved as a draft
revision). `tags=[...]` tags an article. `with_revision=False` makes a live page at once,
with no revision: enough for listings, and much faster.
"""

import json

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Page

from articles.models import ArticleIndexPage, ArticlePage, Author, ReadAlsoLink
from newsroom.home.models import HomePage


def home_page():
    return HomePage.objects.get(depth=2)


def news_index():
    return ArticleIndexPage.objects.first() or ArticleIndexPageFactory()


def seed_shaped_body(target):
    """The seed story's shape: a paragraph, an inline Read also of `target`, two paragraphs."""
    return json.dumps(
        [
            {"type": "paragraph", "value": "<p>First.</p>"},
            {"type": "read_also", "value": {"article": target.pk}},
            {"type": "paragraph", "value": "<p>Second.</p>"},
            {"type": "paragraph", "value": "<p>Third.</p>"},
        ]
    )


def paragraph_body(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs])


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")
    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.LazyFunction(get_test_image_file)


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    bio = "Covers the region."


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A page saved with a revision and, unless `live=False`, published from it."""

    class Meta:
        abstract = True

    parent = factory.LazyFunction(home_page)
    live = True

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        tags = kwargs.pop("tags", ())
        with_revision = kwargs.pop("with_revision", True)
        if not with_revision and kwargs.get("live", True):
            # Live at once, as if published now, without a revision: fast, for listings.
            now = timezone.now()
            kwargs.setdefault("first_published_at", now)
            kwargs.setdefault("last_published_at", now)
        page = super()._create_instance(model_class, parent, kwargs)
        if tags:
            page.tags.add(*tags)
            page.save()
        if not with_revision:
            return page
        revision = page.save_revision(clean=page.live)
        if page.live:
            revision.publish()
        # publish() works on a copy: read back what was saved.
        return model_class.objects.get(pk=page.pk)


class ArticleIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "News"
    slug = "news"


class ArticlePageFactory(PublishedPageFactory):
    class Meta:
        model = ArticlePage

    parent = factory.LazyFunction(news_index)
    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What happened, in one sentence."
    body = factory.LazyFunction(lambda: paragraph_body("First paragraph.", "Second paragraph."))


def add_read_also(page, *targets):
    """Replace the curated Read also links of `page` and publish it again."""
    page.read_also_links = [
        ReadAlsoLink(target=target, sort_order=i) if isinstance(target, Page) else target
        for i, target in enumerate(targets)
    ]
    for i, link in enumerate(page.read_also_links.all()):
        link.sort_order = i
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)
