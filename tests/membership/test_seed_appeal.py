"""import_seed keeps the seed story's patron appeal as the default Appeal."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from wagtail.models import Revision, Site

from articles.models import ArticlePage
from membership.models import Appeal, MembershipSettings
from membership.placement import appeal_insertions
from membership.seed import SEED_APPEAL_NAME
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_6f1df5a3d3c7a09b.txt"
HEADING = (
    "You could close this page. Or you could join our community and help us produce more "
    "materials like this."
)
FIRST = "We keep our reporting open and accessible to everyone"
SECOND_END = "plus become a co-creator and vote for topics we should cover next."
CLOSING = "Become a patron or see other ways to support."
SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"


@pytest.fixture(autouse=True)
def seeds_dir(settings):
    settings.ARTICLES_SEEDS_DIR = SEED.parent


def run(*args):
    out = StringIO()
    call_command("import_seed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def seed_appeal():
    return Appeal.objects.get()


def write_story(folder, name, headline, appeal_lines, appeal_starts=None):
    """A story with a Read also list and a closing passage, and its sidecar."""
    path = folder / f"{name}.txt"
    lines = [headline, "What happened.", "A paragraph.", "Read also:", "- Another story"]
    path.write_text("\n".join([*lines, *appeal_lines]) + "\n", encoding="utf-8")
    starts = appeal_starts or appeal_lines[0]
    path.with_suffix(".toml").write_text(f"appeal_starts = {starts!r}\n", encoding="utf-8")
    return path


SECOND_HEADING = "Support the newsroom that covers your port"
SECOND_LINES = [
    SECOND_HEADING,
    "Harbour reporting is expensive.",
    "Join us or read about our funding.",
]


@pytest.fixture
def second_story(tmp_path):
    return write_story(tmp_path, "ports", "Ports reopen after the storm", SECOND_LINES)


def default_appeal_id():
    return MembershipSettings.for_site(Site.objects.get(is_default_site=True)).default_appeal_id


def test_import_creates_one_live_default_appeal(home):
    output = run()
    appeal = seed_appeal()
    assert appeal.live
    assert not appeal.has_unpublished_changes
    assert appeal.heading == HEADING
    assert appeal.cta_label == "Become a patron"
    assert appeal.secondary_label == "see other ways to support"
    assert appeal.placement == Appeal.Placement.END
    assert default_appeal_id() == appeal.pk
    assert "Appeal created" in output
    assert appeal.name in output


def test_the_body_is_the_two_paragraphs_without_the_closing_sentence(home):
    run()
    body = seed_appeal().body
    assert body.count("<p>") == 2
    first, second = body.split("</p>")[:2]
    assert first.startswith(f"<p>{FIRST}")
    assert second.strip().startswith("<p>A little bit goes a long way")
    assert second.endswith(SECOND_END)
    assert CLOSING not in body
    assert "Become a patron" not in body
    assert HEADING not in body


def test_the_appeal_never_becomes_part_of_the_article(home):
    run()
    article = ArticlePage.objects.get(title=SEED_TITLE)
    text = " ".join(str(block.value) for block in article.body)
    assert HEADING not in text
    assert FIRST not in text
    assert CLOSING not in text


def test_the_seed_story_shows_the_appeal(home):
    run()
    article = ArticlePage.objects.get(title=SEED_TITLE)
    assert appeal_insertions(article, tags=list(article.tags.all())) is not None
    context = article.get_context(RequestFactory().get(article.url))
    assert len(context["body_end"]) == 1
    end = context["body_end"][0]
    assert HEADING in end
    assert FIRST in end
    assert 'href="/support/?appeal=' in end
    assert "see other ways to support</a>" in end
    assert all(not item.html for item in context["body_items"])


def test_a_plain_rerun_leaves_an_editors_changes_alone(home):
    run()
    appeal = seed_appeal()
    appeal.heading = "Edited by the newsroom"
    appeal.placement = Appeal.Placement.BOTH
    appeal.save_revision().publish()
    revisions = Revision.objects.for_instance(appeal).count()

    output = run()
    appeal = seed_appeal()
    assert appeal.heading == "Edited by the newsroom"
    assert appeal.placement == Appeal.Placement.BOTH
    assert Revision.objects.for_instance(appeal).count() == revisions
    assert "kept" in output.lower()
    assert Appeal.objects.count() == 1


def test_a_plain_rerun_leaves_an_unpublished_appeal_unpublished(home):
    run()
    seed_appeal().unpublish()
    run()
    assert Appeal.objects.count() == 1
    assert not seed_appeal().live


def test_a_rerun_after_an_editor_renamed_it_does_not_duplicate_it(home):
    run()
    appeal = seed_appeal()
    appeal.name = "Main patron appeal"
    appeal.save_revision().publish()
    run()
    assert Appeal.objects.count() == 1
    assert seed_appeal().name == "Main patron appeal"


def test_update_refreshes_it_as_a_new_revision(home):
    run()
    appeal = seed_appeal()
    appeal.heading = "Edited by the newsroom"
    appeal.body = "<p>Shorter.</p>"
    appeal.save_revision().publish()
    revisions = Revision.objects.for_instance(appeal).count()

    output = run("--update")
    appeal = seed_appeal()
    assert Appeal.objects.count() == 1
    assert appeal.heading == HEADING
    assert FIRST in appeal.body
    assert appeal.live
    assert Revision.objects.for_instance(appeal).count() == revisions + 1
    assert appeal.live_revision == appeal.latest_revision
    assert "Appeal updated" in output


def test_update_keeps_a_default_chosen_by_an_editor(home):
    run()
    chosen = AppealFactory(name="Chosen by the editor")
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = chosen
    settings.save()
    run("--update")
    assert default_appeal_id() == chosen.pk


def test_a_deleted_seed_appeal_is_created_again(home):
    run()
    seed_appeal().delete()
    assert default_appeal_id() is None
    output = run()
    appeal = seed_appeal()
    assert appeal.live
    assert default_appeal_id() == appeal.pk
    assert "Appeal created" in output


def test_a_failed_import_leaves_no_appeal(home, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(SEED.with_suffix(".toml"), folder / SEED.with_suffix(".toml").name)
    (folder / "001_broken.txt").write_bytes(b"\xff\xfe not utf-8 \x00")
    with pytest.raises(CommandError):
        run(str(folder))
    assert not Appeal.objects.exists()
    assert default_appeal_id() is None


def appeal_saves():
    """Records each save of an Appeal row: which fields, and the heading it wrote."""
    from django.db.models.signals import post_save

    saves = []

    def receiver(sender, instance, update_fields=None, **kwargs):
        saves.append((sorted(update_fields) if update_fields else None, instance.heading))

    post_save.connect(receiver, sender=Appeal, weak=False, dispatch_uid="test_appeal_saves")
    return saves, lambda: post_save.disconnect(sender=Appeal, dispatch_uid="test_appeal_saves")


def test_update_of_a_live_appeal_goes_only_through_a_published_revision(home):
    run()
    appeal = seed_appeal()
    appeal.heading = "Edited by the newsroom"
    appeal.save_revision().publish()

    saves, stop = appeal_saves()
    try:
        run("--update")
    finally:
        stop()
    # The revision is saved (only its pointer touches the row), then published: the live row
    # is written once, by publishing, never with unpublished content before.
    full_saves = [heading for fields, heading in saves if fields is None]
    assert full_saves == [HEADING]
    assert saves[0] == (["has_unpublished_changes", "latest_revision"], HEADING)
    appeal = seed_appeal()
    assert appeal.live and not appeal.has_unpublished_changes
    assert appeal.live_revision == appeal.latest_revision
    assert appeal.latest_revision.as_object().heading == HEADING


def test_a_new_appeal_is_saved_once_then_published_from_its_first_revision(home):
    saves, stop = appeal_saves()
    try:
        run()
    finally:
        stop()
    appeal = seed_appeal()
    assert Revision.objects.for_instance(appeal).count() == 1
    assert appeal.live_revision == appeal.latest_revision
    assert [fields for fields, _heading in saves if fields is None] == [None, None]


def test_update_refreshes_an_unpublished_appeal_without_publishing_it(home):
    run()
    appeal = seed_appeal()
    appeal.heading = "Edited by the newsroom"
    appeal.save_revision().publish()
    seed_appeal().unpublish()
    revisions = Revision.objects.for_instance(appeal).count()

    output = run("--update")
    appeal = seed_appeal()
    assert Appeal.objects.count() == 1
    assert not appeal.live
    assert appeal.live_revision is None or appeal.live_revision != appeal.latest_revision
    assert Revision.objects.for_instance(appeal).count() == revisions + 1
    # The new draft carries the seed's text, for an editor to publish if they want to.
    draft = appeal.get_latest_revision_as_object()
    assert draft.heading == HEADING
    assert FIRST in draft.body
    assert appeal.heading == HEADING  # a draft's row follows its latest revision, as in the admin
    assert "left unpublished" in output
    # Readers see no appeal.
    article = ArticlePage.objects.get(title=SEED_TITLE)
    assert appeal_insertions(article, tags=list(article.tags.all())).body == []


def test_a_second_story_with_update_never_rewrites_the_live_default_appeal(
    home, second_story, client
):
    """The bug as filed: any story's closing lines, run with --update, replaced the appeal
    every reader sees."""
    run()
    default = seed_appeal()
    revisions = Revision.objects.for_instance(default).count()

    output = run(str(second_story), "--update")

    default.refresh_from_db()
    assert default.heading == HEADING
    assert default.live and not default.has_unpublished_changes
    assert Revision.objects.for_instance(default).count() == revisions
    assert default_appeal_id() == default.pk
    second = Appeal.objects.exclude(pk=default.pk).get()
    assert second.heading == SECOND_HEADING
    assert second.body == "<p>Harbour reporting is expensive.</p>"
    assert (second.cta_label, second.secondary_label) == ("Join us", "read about our funding")
    assert not second.live
    assert "Ports reopen after the storm" in second.name
    assert "unpublished draft for editors to review" in output
    # What readers see is unchanged.
    html = client.get(ArticlePage.objects.get(title=SEED_TITLE).url).content.decode()
    assert "You could close this page." in html
    assert SECOND_HEADING not in html


def test_update_refreshes_only_the_appeal_its_own_story_created(home, second_story):
    run()
    run(str(second_story))
    seed, second = seed_appeal_and_second()
    for appeal in (seed, second):
        appeal.heading = f"Edited: {appeal.heading}"
        appeal.save_revision().publish()
    seed, second = seed_appeal_and_second()
    seed_revisions = Revision.objects.for_instance(seed).count()

    output = run(str(second_story), "--update")

    seed, second = seed_appeal_and_second()
    assert second.heading == SECOND_HEADING
    assert seed.heading == f"Edited: {HEADING}"
    assert Revision.objects.for_instance(seed).count() == seed_revisions
    assert f"Appeal updated as a new revision: {second.name}" in output

    run("--update")
    seed, second = seed_appeal_and_second()
    assert seed.heading == HEADING
    assert second.heading == SECOND_HEADING
    assert Appeal.objects.count() == 2


def seed_appeal_and_second():
    return (
        Appeal.objects.get(name=SEED_APPEAL_NAME),
        Appeal.objects.exclude(name=SEED_APPEAL_NAME).get(),
    )


def test_the_first_appeal_is_a_draft_when_the_site_already_has_a_default(home):
    chosen = AppealFactory(name="Chosen by the editor")
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = chosen
    settings.save()

    output = run()

    imported = Appeal.objects.exclude(pk=chosen.pk).get()
    assert imported.heading == HEADING
    assert not imported.live
    assert default_appeal_id() == chosen.pk
    assert "unpublished draft" in output


def legacy_default_appeal(**kwargs):
    """A live default appeal as imports made it before appeals remembered their story."""
    old = AppealFactory(name=SEED_APPEAL_NAME, **kwargs)
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = old
    settings.save()
    return old


def test_an_appeal_made_before_appeals_remembered_their_story_is_adopted(home, second_story):
    """Databases made before Appeal.imported_from: the seed appeal is found by its heading."""
    old = legacy_default_appeal(heading=HEADING, body="<p>Edited long ago.</p>")
    revisions = Revision.objects.for_instance(old).count()

    output = run()

    assert Appeal.objects.count() == 1
    old.refresh_from_db()
    assert old.body == "<p>Edited long ago.</p>"  # a plain run keeps it as it is
    assert Revision.objects.for_instance(old).count() == revisions
    assert f"Appeal kept as it is: {SEED_APPEAL_NAME}" in output

    # Adopted by the seed story: another story's --update leaves it alone from now on.
    run(str(second_story), "--update")
    old.refresh_from_db()
    assert old.body == "<p>Edited long ago.</p>"
    run("--update")
    old.refresh_from_db()
    assert FIRST in old.body


def test_another_story_never_claims_an_old_seed_appeal_by_its_name(home, second_story):
    """Before imports remembered their story, another story run first (with --update) must
    not take the seed appeal for its own and rewrite the appeal every reader sees."""
    old = legacy_default_appeal(heading=HEADING)

    run(str(second_story), "--update")

    old.refresh_from_db()
    assert old.heading == HEADING
    assert old.imported_from == ""
    assert default_appeal_id() == old.pk
    second = Appeal.objects.exclude(pk=old.pk).get()
    assert (second.heading, second.live) == (SECOND_HEADING, False)
    run()  # the seed story still finds its own appeal
    old.refresh_from_db()
    assert old.imported_from != ""
    assert Appeal.objects.count() == 2


def test_an_old_appeal_is_adopted_by_its_heading_after_an_editor_renamed_it(home):
    old = AppealFactory(name="Our main appeal", heading=HEADING)
    run()
    assert list(Appeal.objects.all()) == [old]
    run("--update")
    assert Appeal.objects.get().name == "Our main appeal"


def test_a_passage_with_nothing_after_its_heading_is_a_one_line_error(home, tmp_path):
    """Was: a trailing line became an appeal without a body, and publishing it failed."""
    path = write_story(tmp_path, "lone", "A story with a lone line", ["Support us!"])
    pages = ArticlePage.objects.count()
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert str(error.value) == (
        f"{path}: the appeal passage has a heading but no text after it: Support us!"
    )
    assert ArticlePage.objects.count() == pages
    assert not Appeal.objects.exists()


def test_a_heading_too_long_for_an_appeal_is_a_one_line_error(home, tmp_path):
    heading = "Support us " + "and more " * 40
    path = write_story(tmp_path, "long", "A story with a long heading", [heading, "Please."])
    with pytest.raises(CommandError) as error:
        run(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: heading: ")
    assert "255 characters" in message
    assert "\n" not in message
    assert not Appeal.objects.exists()
    assert not ArticlePage.objects.exists()
