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
    settings.NEWSROOM_SEEDS_DIR = SEED.parent


def run(*args):
    out = StringIO()
    call_command("import_seed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def seed_appeal():
    return Appeal.objects.get()


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
