from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from articles import meta
from articles.models import PublicPageMixin

from .front_page import front_page


class HomePage(PublicPageMixin, Page):
    """The front page: the top story, then the latest articles."""

    top_story = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("top story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to lead with the newest live article."),
    )

    content_panels = Page.content_panels + [FieldPanel("top_story")]
    # The sign-up page (/support/) and the topics page (/topics/) live under the home page,
    # when membership is installed.
    subpage_types = ["articles.ArticleIndexPage", "home.StandardPage"] + (
        ["membership.SignupPage", "membership.TopicsPage"]
        if apps.is_installed("membership")
        else []
    )
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["document_title"] = meta.document_title(
            self.seo_title, site_name=context["site_name"]
        )
        shown = front_page(self, top_story_id=self.top_story_id)
        context["top_story"] = shown.top_story
        context["latest_articles"] = shown.latest
        context["tag_sections"] = shown.sections
        return context


STANDARD_BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]


class StandardPage(PublicPageMixin, Page):
    """A page every news site has: About, Contact, Corrections policy, Privacy."""

    intro = models.TextField(
        _("intro"),
        blank=True,
        help_text=_("One or two sentences under the title; also the page's description."),
    )
    body = RichTextField(_("body"), blank=True, features=STANDARD_BODY_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    page_description = _("A page such as About, Contact, Corrections policy or Privacy.")

    class Meta:
        verbose_name = _("standard page")

    @property
    def standfirst(self):
        # What the meta description and link previews read (page_description).
        return self.intro
