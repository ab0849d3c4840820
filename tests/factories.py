"""factory_boy factories for the Wagtail page tree and snippets."""

import json

import factory
from factory.django import DjangoModelFactory
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from articles.models import ArticleIndexPage, ArticlePage, Author, ReadAlsoLink
from newsroom.home.models import HomePage


def home_page():
    return HomePage.objects.get(depth=2)


def paragraph_body(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs])


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    file = factory.LazyFunction(get_test_image_file)


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    bio = "Covers the region."


class PageFactory(factory.Factory):
    """Adds the page under `parent` (default: the home page) and publishes it if live."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, tags=(), **kwargs):
        parent = parent or cls.default_parent()
        page = model_class(*args, live=live, **kwargs)
        parent.add_child(instance=page)
        if tags:
            page.tags.add(*tags)
            page.save()
        revision = page.save_revision(clean=live)
        if live:
            revision.publish()
        return model_class.objects.get(pk=page.pk)

    @classmethod
    def default_parent(cls):
        return home_page()


class ArticleIndexPageFactory(PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "News"
    slug = "news"


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What happened, in one sentence."
    body = factory.LazyFunction(lambda: paragraph_body("First paragraph.", "Second paragraph."))

    @classmethod
    def default_parent(cls):
        index = ArticleIndexPage.objects.first()
        return index or ArticleIndexPageFactory()


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
