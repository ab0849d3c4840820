"""An editor's appeal form and preview in Chromium: fields that apply only to one choice
appear with it (Wagtail's w-rules controller), and the "Inside an article" preview opens
scrolled to the appeal."""

import pytest

from membership.models import Appeal
from tests.e2e.helpers import PASSWORD, sign_in_to_admin
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.factories import AppealFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    sign_in_to_admin(page)


def test_fields_appear_only_for_the_choice_they_apply_to(browser_page, django_user_model, home):
    page = browser_page
    sign_in(page, django_user_model)
    page.goto("/admin/snippets/membership/appeal/add/")
    k_views = page.locator("#id_frequency_views")
    paragraph = page.locator("#id_inline_after_paragraph")
    # The defaults: every view, at the end of the article.
    page.wait_for_function("document.querySelector('#id_frequency_views').disabled")
    assert not k_views.is_visible() and not paragraph.is_visible()

    page.locator("#id_frequency").select_option("every_k_views")
    k_views.wait_for(state="visible")
    assert k_views.is_enabled()
    page.locator("#id_frequency").select_option("daily")
    k_views.wait_for(state="hidden")
    assert k_views.is_disabled()  # so the browser does not post it

    page.locator("#id_placement").select_option("inline")
    paragraph.wait_for(state="visible")
    page.locator("#id_placement").select_option("both")
    assert paragraph.is_visible()
    page.locator("#id_placement").select_option("end")
    paragraph.wait_for(state="hidden")


def test_the_preview_inside_an_article_opens_at_the_appeal(browser_page, django_user_model, news):
    paragraphs = [f"Paragraph {number} of a long story. " * 12 for number in range(40)]
    ArticlePageFactory(parent=news, title="A long story", body=paragraph_body(*paragraphs))
    appeal = AppealFactory(heading="Scroll to me", placement=Appeal.Placement.END)
    page = browser_page
    sign_in(page, django_user_model)
    edit = f"/admin/snippets/membership/appeal/edit/{appeal.pk}/"
    page.goto(edit)
    preview_url = f"/admin/snippets/membership/appeal/preview/{appeal.pk}/?mode=article"
    posted = page.evaluate(
        """async (url) => {
          const form = document.querySelector("form[data-edit-form]") ||
            document.querySelector("main form[method=post]");
          const response = await fetch(url, { method: "POST", body: new FormData(form) });
          return response.json();
        }""",
        preview_url,
    )
    assert posted["is_valid"] is True
    page.goto(preview_url)
    assert "A long story" in page.locator(".appeal-preview-banner").inner_text()
    page.wait_for_timeout(1000)
    assert page.evaluate("window.scrollY") > 0
    box = page.locator("#appeal-in-preview").bounding_box()
    assert 0 <= box["y"] < 900
