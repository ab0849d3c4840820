"""An editor writes a patron appeal, previews it inside an article, schedules it, and reads the
appeal report."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from articles.models import ArticlePage
from membership.models import Appeal
from membership.seed import SEED_APPEAL_NAME
from tests.e2e.helpers import PASSWORD, sign_in_to_admin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"
NAME = "Spring drive 2031"
HEADING = "Keep this reporting free for everyone"
BODY = "Our reporters answer to readers, not to advertisers."
CTA = "Join the patrons"
GO_LIVE = "2031-03-01 09:00"
SLOW_MS = 30_000
# Wagtail's preview panel announces each finished update with a "w-preview:updated" event.
RECORD_PREVIEW_UPDATES = """() => {
  window.lastPreviewUpdate = Date.now();
  document.addEventListener("w-preview:updated", () => { window.lastPreviewUpdate = Date.now(); });
}"""
PREVIEW_IS_QUIET = """() => {
  const spinner = document.querySelector("[data-w-preview-target=spinner]");
  return Date.now() - window.lastPreviewUpdate > 1500 && (!spinner || spinner.hidden);
}"""


@pytest.fixture
def newsroom(django_user_model):
    call_command("import_seed", verbosity=0)
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)


def test_editor_creates_previews_schedules_an_appeal_and_reads_the_report(newsroom, browser_page):
    page = browser_page
    page.set_default_timeout(SLOW_MS)

    # Sign in.
    sign_in_to_admin(page)

    # Appeals, from the main menu, then Add.
    page.locator(".sidebar-main-menu").get_by_role("link", name="Appeals").click()
    page.wait_for_url(re.compile(r"/admin/snippets/membership/appeal/$"))
    page.get_by_role("link", name=re.compile(r"^Add appeal$", re.IGNORECASE)).first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/membership/appeal/add/$"))

    page.locator("#id_name").fill(NAME)
    page.locator("#id_heading").fill(HEADING)
    body = page.locator('[data-contentpath="body"] [contenteditable="true"]').first
    body.wait_for(state="visible")
    body.click()
    page.keyboard.type(BODY)
    # Draftail copies its content to the form's hidden input a moment later.
    page.wait_for_function(
        "text => document.querySelector('#id_body').value.includes(text)", arg=BODY
    )
    page.locator("#id_cta_label").fill(CTA)
    page.locator("#id_placement").select_option("end")

    # Preview it inside an article: the newest live article, the seed story.
    page.evaluate(RECORD_PREVIEW_UPDATES)
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    # The appeal on its own first: the preview has caught up with everything typed.
    preview.locator(".patron-appeal").filter(has_text=BODY).wait_for()
    mode = page.locator("#id_preview_mode")
    for attempt in range(3):
        # Wagtail drops a mode change made while a preview update is in flight: change the
        # mode only once the preview has been quiet for a while, and ask again if dropped.
        page.wait_for_function(PREVIEW_IS_QUIET, timeout=SLOW_MS)
        if attempt == 0:
            mode.select_option("article")
        else:
            mode.dispatch_event("change")
        try:
            preview.locator("h1").filter(has_text=SEED_TITLE).wait_for(timeout=SLOW_MS // 3)
            break
        except PlaywrightTimeoutError:
            continue
    preview.locator("h1").filter(has_text=SEED_TITLE).wait_for()
    appeal_in_article = preview.locator(".article-body .patron-appeal")
    appeal_in_article.get_by_role("heading", name=HEADING).wait_for()
    assert BODY in appeal_in_article.inner_text()
    assert appeal_in_article.get_by_role("link", name=CTA).count() == 1
    page.get_by_role("button", name="Toggle preview").click()

    # Schedule it: a go-live date in the future, from the status panel's schedule dialog.
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.locator("#schedule-publishing-dialog")
    dialog.wait_for(state="visible")
    dialog.locator("#id_go_live_at").fill(GO_LIVE)
    assert dialog.locator("#id_go_live_at").input_value() == GO_LIVE
    # The open date picker covers the button: press it from the keyboard.
    save_schedule = dialog.get_by_role("button", name="Save schedule")
    with page.expect_navigation():
        save_schedule.focus()
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/snippets/membership/appeal/edit/\d+/$"))
    status = page.locator("[data-side-panel='status']")
    assert "Go-live" in status.inner_text()

    # Publishing a scheduled appeal schedules it rather than making it live.
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r"/admin/snippets/membership/appeal/$"))
    assert page.get_by_text(re.compile(r"scheduled", re.IGNORECASE)).first.is_visible()

    appeal = Appeal.objects.get(name=NAME)
    go_live = timezone.make_aware(datetime.datetime(2031, 3, 1, 9, 0))
    assert not appeal.live
    assert appeal.heading == HEADING
    assert BODY in appeal.body
    assert appeal.cta_label == CTA
    assert appeal.placement == Appeal.Placement.END
    assert appeal.scheduled_revision is not None
    assert appeal.scheduled_revision.approved_go_live_at == go_live
    assert not Appeal.objects.live().filter(pk=appeal.pk).exists()

    # The report, from the Reports menu: the appeals and the chart of the last 30 days.
    page.goto("/admin/")
    page.locator(".sidebar-main-menu").get_by_role("button", name="Reports").click()
    page.locator(".sidebar-main-menu").get_by_role("link", name="Appeal results").click()
    page.wait_for_url(re.compile(r"/admin/reports/appeals/$"))
    assert page.locator("h1").filter(has_text="Appeal results").count() == 1
    table = page.locator("table.listing")
    table.wait_for()
    assert table.get_by_role("link", name=NAME).count() == 1
    assert table.get_by_role("link", name=SEED_APPEAL_NAME).count() == 1
    chart = page.locator("svg.appeal-chart")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 3
    assert ArticlePage.objects.filter(title=SEED_TITLE, live=True).exists()
