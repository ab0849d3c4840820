"""The plugin's documented limit (README, "Use the apps in your own Wagtail site"): the apps
keep the labels `articles` and `membership`, so a site with another app of either label cannot
install them as they are. Django refuses the clash at start-up, naming the label."""

import pytest
from django.apps import AppConfig, apps
from django.apps.registry import Apps
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from wagtail.models import Site


class SitesOwnArticlesConfig(AppConfig):
    """A site's own app labelled `articles` (its code lives elsewhere: here, in tests)."""

    name = "tests"
    label = "articles"


class SitesOwnMembershipConfig(AppConfig):
    name = "tests"
    label = "membership"


def test_the_apps_keep_their_labels():
    """Databases made by this project keep their tables (articles_…, membership_…)."""
    assert apps.get_app_config("articles").name == "articles"
    assert apps.get_app_config("membership").name == "membership"


@pytest.mark.parametrize(
    ("ours", "theirs", "label"),
    [
        ("articles", "tests.test_plugin.SitesOwnArticlesConfig", "articles"),
        ("membership", "tests.test_plugin.SitesOwnMembershipConfig", "membership"),
    ],
)
def test_a_site_with_an_app_of_the_same_label_is_refused_at_start_up(ours, theirs, label):
    with pytest.raises(ImproperlyConfigured, match=f"labels aren't unique, duplicates: {label}$"):
        Apps(installed_apps=[theirs, ours])


@pytest.mark.django_db
def test_the_apps_templates_name_the_site_without_the_projects_context_processor(rf, settings):
    """Patron pages title themselves with `{% current_site_name %}`: the Wagtail Site's name,
    else WAGTAIL_SITE_NAME, so a `wagtail start` site needs no context processor of ours."""
    template = engines["django"].from_string("{% load article_tags %}{% current_site_name %}")
    site = Site.objects.get(is_default_site=True)
    request = rf.get("/", HTTP_HOST=site.hostname, SERVER_PORT=site.port)
    site.site_name = "The Harbour Times"
    site.save()
    assert template.render({"request": request}) == "The Harbour Times"
    site.site_name = ""
    site.save()
    settings.WAGTAIL_SITE_NAME = "My Site"
    request = rf.get("/", HTTP_HOST=site.hostname, SERVER_PORT=site.port)
    assert template.render({"request": request}) == "My Site"
