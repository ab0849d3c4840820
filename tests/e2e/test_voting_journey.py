"""A patron votes on what the newsroom covers next, in real Chromium, and sees it covered: votes
and a withdrawal that update the page without a reload, a suggestion, an editor who approves
it, closes the round and marks the topic covered by the seed story through the admin's page
chooser, and the story that says "Patrons voted for this", with one email to the one voter
who asked for it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import ArticlePage
from membership import voting
from membership.examples import ensure_signup_page, ensure_topics_page
from membership.models import Membership, Tier, Topic, Vote, VotingRound
from tests.e2e.helpers import PASSWORD, SEED_TITLE, TIMEOUT_MS, sign_in_by_email
from tests.factories import home_page
from tests.membership.voters import patron as active_patron

# Playwright's assertions wait 5 seconds by default: as long as the pages' own waits here.
expect.set_options(timeout=TIMEOUT_MS)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "voter@example.org"
NEIGHBOUR = "neighbour@example.org"
ROUND = "Spring round"
WATER = "Where does the city's water come from?"
SHOPS = "Who owns the empty shops on the high street?"
CLINICS = "How long do people wait for a GP appointment?"
SUGGESTION = "Why do the night buses stop at midnight?"
SUGGESTION_WHY = "Nurses on late shifts walk home."
# Survives as long as the page is not reloaded or left.
NO_NAVIGATION_MARK = "window.votingJourneyMark = 'still here'"
NO_NAVIGATION_CHECK = "() => window.votingJourneyMark"


@pytest.fixture
def newsroom(django_user_model):
    call_command("import_seed", verbosity=0)
    home = home_page()
    ensure_signup_page(home)
    ensure_topics_page(home)
    tier = Tier.objects.create(
        name="Reporter's friend", amount=Decimal("5.00"), currency="EUR", votes_per_round=3
    )
    now = timezone.now()
    voting_round = VotingRound.objects.create(
        title=ROUND,
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=7),
    )
    topics = {
        title: Topic.objects.create(round=voting_round, title=title, description=f"About: {title}")
        for title in (WATER, SHOPS, CLINICS)
    }
    # Another patron voted already: for the water (without asking to be told) and, asking to
    # be told, for the clinics, which are never covered. They must get no email.
    neighbour = active_patron(NEIGHBOUR, tier)
    voting.cast(neighbour, topics[WATER])
    voting.cast(neighbour, topics[CLINICS], notify=True)
    active_patron(EMAIL, tier)
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    return {"round": voting_round, "topics": topics}


def topic_item(page, topic):
    return page.locator(f"#topic-{topic.pk}")


def votes_left(page):
    return page.locator(".topics__left [data-votes-left]")


def click_in_admin_menu(page, group, item, url):
    menu = page.locator(".sidebar-main-menu")
    menu.get_by_role("button", name=group).click()
    menu.get_by_role("link", name=item).click()
    page.wait_for_url(url)


def test_a_patron_votes_suggests_and_sees_the_topic_covered(newsroom, new_browser_page):
    water, shops = newsroom["topics"][WATER], newsroom["topics"][SHOPS]
    patron = new_browser_page()

    # 1. The patron signs in by magic link and votes, without the page reloading.
    sign_in_by_email(patron, EMAIL)
    patron.goto("/topics/")
    expect(votes_left(patron)).to_have_text("3")
    expect(patron.locator(".topics__left")).to_have_text("3 of 3 votes left")
    expect(topic_item(patron, water).locator("[data-count]")).to_have_text("1")
    patron.evaluate(NO_NAVIGATION_MARK)

    item = topic_item(patron, water)
    item.get_by_label("Email me when you have covered it").check()
    item.get_by_role("button", name="Vote for this topic").click()
    expect(item.get_by_role("button", name="Withdraw my vote")).to_be_visible()
    expect(item.locator("[data-count]")).to_have_text("2")
    expect(item.get_by_text("We will email you when we have covered it.")).to_be_visible()
    expect(votes_left(patron)).to_have_text("2")

    item = topic_item(patron, shops)
    item.get_by_role("button", name="Vote for this topic").click()
    expect(item.locator("[data-count]")).to_have_text("1")
    expect(votes_left(patron)).to_have_text("1")
    item.get_by_role("button", name="Withdraw my vote").click()
    expect(item.get_by_role("button", name="Vote for this topic")).to_be_visible()
    expect(item.locator("[data-count]")).to_have_text("0")
    expect(votes_left(patron)).to_have_text("2")
    assert patron.evaluate(NO_NAVIGATION_CHECK) == "still here"

    member = Membership.objects.get(user__email=EMAIL)
    assert list(Vote.objects.filter(member=member).values_list("topic", "notify")) == [
        (water.pk, True)
    ]
    assert voting.count(water) == 2
    assert voting.count(shops) == 0

    patron.reload()
    assert patron.evaluate(NO_NAVIGATION_CHECK) is None  # the reload really happened
    expect(patron.locator(".topics__left")).to_have_text("2 of 3 votes left")
    item = topic_item(patron, water)
    expect(item.locator("[data-count]")).to_have_text("2")
    expect(item.get_by_role("button", name="Withdraw my vote")).to_be_visible()
    expect(item.get_by_text("We will email you when we have covered it.")).to_be_visible()
    expect(topic_item(patron, shops).locator("[data-count]")).to_have_text("0")
    expect(
        topic_item(patron, shops).get_by_role("button", name="Vote for this topic")
    ).to_be_visible()

    # 2. The patron suggests a topic; it waits for the editors.
    suggestion_form = patron.locator("#your-suggestions form")
    suggestion_form.get_by_label("Topic").fill(SUGGESTION)
    suggestion_form.get_by_label("Why it matters (optional)").fill(SUGGESTION_WHY)
    with patron.expect_navigation():
        suggestion_form.get_by_role("button", name="Send my suggestion").click()
    expect(patron.locator(".messages")).to_contain_text(SUGGESTION)
    waiting = patron.locator("#your-suggestions .topic--waiting")
    expect(waiting).to_contain_text(SUGGESTION)
    suggestion = Topic.objects.get(title=SUGGESTION)
    assert suggestion.status == Topic.Status.PROPOSED
    assert suggestion.suggested_by == member
    assert suggestion.description == SUGGESTION_WHY

    # 3. An editor approves it, closes the round, and marks the water covered by the story.
    emails_before = len(mail.outbox)
    editor = new_browser_page()
    editor.goto("/admin/login/")
    editor.locator("#id_username").fill("editor")
    editor.locator("#id_password").fill(PASSWORD)
    with editor.expect_navigation():
        editor.locator("form button[type=submit]").click()
    editor.wait_for_url(re.compile(r"/admin/$"))

    click_in_admin_menu(editor, "Voting", "Suggestions", re.compile(r"/admin/topic_suggestions/$"))
    editor.locator("table.listing").get_by_role("link", name=SUGGESTION).click()
    editor.wait_for_url(re.compile(rf"/admin/topics/moderate/{suggestion.pk}/$"))
    with editor.expect_navigation():
        editor.get_by_role("button", name="Approve").click()
    expect(editor.locator(".messages")).to_contain_text("is open for votes")
    suggestion.refresh_from_db()
    assert suggestion.status == Topic.Status.OPEN

    voting_round = newsroom["round"]
    click_in_admin_menu(editor, "Voting", "Rounds", re.compile(r"/admin/voting_rounds/$"))
    editor.locator("table.listing").get_by_role("link", name=ROUND).click()
    editor.wait_for_url(re.compile(rf"/admin/voting_rounds/edit/{voting_round.pk}/$"))
    closed_at = timezone.localtime() - datetime.timedelta(minutes=1)
    closes = editor.locator("#id_closes_at")
    closes.fill(closed_at.strftime("%Y-%m-%d %H:%M"))
    closes.press("Escape")  # the date picker covers the Save button
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save").click()
    editor.wait_for_url(re.compile(r"/admin/voting_rounds/$"))
    voting_round.refresh_from_db()
    assert voting_round.has_closed()

    click_in_admin_menu(editor, "Voting", "Topics", re.compile(r"/admin/topics/$"))
    editor.locator("table.listing").get_by_role("link", name=WATER).click()
    editor.wait_for_url(re.compile(rf"/admin/topics/edit/{water.pk}/$"))
    editor.locator("#id_status").select_option(Topic.Status.COVERED)
    editor.locator("#id_covered_by-0-chooser").get_by_role("button", name="Choose a page").click()
    modal = editor.locator(".modal")
    modal.get_by_role("link", name=SEED_TITLE).click()
    modal.wait_for(state="hidden")
    expect(editor.locator("#id_covered_by-0-chooser [data-chooser-title]")).to_have_text(SEED_TITLE)
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save").click()
    editor.wait_for_url(re.compile(r"/admin/topics/$"))

    seed = ArticlePage.objects.get(title=SEED_TITLE)
    water.refresh_from_db()
    assert water.status == Topic.Status.COVERED
    assert list(water.covered_by.values_list("pk", flat=True)) == [seed.pk]

    # 4. The story says so, and the one voter who asked was told, once.
    sent = mail.outbox[emails_before:]
    assert [message.to for message in sent] == [[EMAIL]]
    assert WATER in sent[0].subject
    assert seed.full_url in sent[0].body
    assert f"/topics/results/{voting_round.pk}/#topic-{water.pk}" in sent[0].body

    # The patron's topics page: no round open, the closed one's results, and no invitation
    # to become the patron they are.
    patron.goto("/topics/")
    expect(patron.locator(".topics")).to_contain_text("No round is open for votes right now.")
    expect(patron.locator(".topics__invitation")).to_have_count(0)
    expect(patron.locator(".topics__past").get_by_role("link", name=ROUND)).to_be_visible()

    reader = new_browser_page()
    reader.goto(seed.url)
    voted = reader.locator(".patron-voted")
    expect(voted).to_contain_text("Patrons voted for this")
    voted.get_by_role("link", name=WATER).click()
    reader.wait_for_url(re.compile(rf"/topics/results/{voting_round.pk}/#topic-{water.pk}$"))
    outcome = reader.locator(f"#topic-{water.pk}")
    expect(outcome).to_contain_text("Covered")
    expect(outcome).to_contain_text("2 votes")
    expect(outcome.get_by_role("link", name=SEED_TITLE)).to_be_visible()
    expect(reader.locator(f"#topic-{suggestion.pk}")).to_contain_text("No decision yet")
