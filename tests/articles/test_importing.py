"""The seed importer: `python manage.py import_seed [PATH ...]` and articles.importing."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import Page, ReferenceIndex, Revision, Site

from articles.importing import (
    SeedImporter,
    StoryError,
    normalise_title,
    parse_sidecar,
    parse_story,
    split_source,
)
from articles.importing.parsing import ParsedBlock, ParsedReadAlso
from articles.models import ArticleIndexPage, ArticlePage, ReadAlsoLink, TaggedArticle
from articles.signals import closing_passage_found
from tests.factories import ArticlePageFactory

SEED = Path(settings.BASE_DIR) / "seeds" / "000_6f1df5a3d3c7a09b.txt"
HEADLINE = "North Korea ships “7,000 containers of military aid to Russia”"
STANDFIRST = (
    "South Korea claims that North Korea has sent around 7,000 containers of munitions "
    "and military equipment to Russia since last year."
)
MAPPING = "Mapping North Korea’s discreet artillery ammo route to Russia"
EU_LEADERS = "EU leaders to call for new sanctions on Belarus, North Korea, Iran"
READ_ALSO = [
    ("Bloomberg", EU_LEADERS),
    ("NK Pro", "Satellite images show halt in North Korean weapons loads to Russia"),
    ("", "2 out of 5 missiles Russia launched at Kharkiv are from North Korea"),
    (
        "",
        "Russia targeted Kyiv with at least one North Korean ballistic missile in recent attack "
        "(photos)",
    ),
    ("", MAPPING),
    ("", "Ukraine reports first evidence of North Korean missile used by Russia"),
    ("", "US calls UN Security Council meeting over North Korea’s missile supply to Russia"),
]
TAGS = {"North Korea", "Russia", "South Korea", "military aid"}
APPEAL_HEADING = (
    "You could close this page. Or you could join our community and help us produce more "
    "materials like this."
)
APPEAL_FRAGMENTS = [
    "You could close this page",
    "We keep our reporting open",
    "A little bit goes a long way",
    "Become a patron",
    "other ways to support",
]


def run(*args, **kwargs):
    out = StringIO()
    call_command("import_seed", *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def write(path, content, sidecar=None):
    """Write a story file (str is written as UTF-8, bytes as they are) and its sidecar."""
    path = Path(path)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    if sidecar is not None:
        path.with_suffix(".toml").write_text(sidecar, encoding="utf-8")
    return path


def story_text(headline, standfirst="What happened.", body=("A paragraph.",), read_also=()):
    lines = [headline, standfirst, *body]
    if read_also:
        lines += ["Read also:", *(f"- {item}" for item in read_also)]
    return "\n".join(lines) + "\n"


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "page_revisions": Revision.page_revisions.count(),
        "links": ReadAlsoLink.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedArticle.objects.count(),
    }


def story_page():
    return ArticlePage.objects.get(title=HEADLINE)


def front_page_top_story(home):
    """The article the front page leads with, as HomePage.get_context picks it."""
    from django.test import RequestFactory

    home = type(home).objects.get(pk=home.pk)
    return home.get_context(RequestFactory().get("/"))["top_story"]


@pytest.fixture
def seed_copy(tmp_path):
    """The real seed story and sidecar, copied where a test may edit them."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(SEED.with_suffix(".toml"), folder / SEED.with_suffix(".toml").name)
    return folder / SEED.name


@pytest.fixture
def passages():
    received = []

    def receiver(sender, **kwargs):
        received.append({"sender": sender, **kwargs})

    closing_passage_found.connect(receiver, weak=False)
    yield received
    closing_passage_found.disconnect(receiver)


# --- The real seed ----------------------------------------------------------------------------


def test_seed_story_is_imported_as_the_first_live_article(home, settings):
    settings.ARTICLES_SEEDS_DIR = SEED.parent
    assert not ArticlePage.objects.exists()

    output = run()

    news = ArticleIndexPage.objects.get()
    assert (news.title, news.slug, news.live) == ("News", "news", True)
    assert news.get_parent().pk == home.pk

    story = story_page()
    assert story.live
    assert list(ArticlePage.objects.live().values_list("pk", flat=True)) == [story.pk]
    assert story.get_parent().pk == news.pk
    assert story.standfirst == STANDFIRST
    assert story.source_label == "Sky News"
    assert {tag.name for tag in story.tags.all()} == TAGS
    assert story.live_revision_id == story.latest_revision_id
    assert not story.has_unpublished_changes

    # Body: paragraph, inline Read also (the mapping story), paragraph, paragraph.
    assert [block.block_type for block in story.body] == [
        "paragraph",
        "read_also",
        "paragraph",
        "paragraph",
    ]
    mapping = ArticlePage.objects.get(title=MAPPING)
    assert story.body[1].value["article"].pk == mapping.pk
    first = story.body[0].value.source
    assert first.startswith("<p>South Korea has claimed that North Korea has sent approximately")
    assert "Sky News reports. Defense Minister Shin Won-sik" in first
    assert story.body[2].value.source.startswith("<p>Mr. Shin stated that North Korea")
    assert story.body[3].value.source == (
        "<p>The US and South Korea have previously accused North Korea of sending shells and "
        "military aid to Russia during the war, allegations that both Russia and Pyongyang "
        "have denied.</p>"
    )
    raw_body = json.dumps(list(story.body.raw_data), ensure_ascii=False)
    for fragment in APPEAL_FRAGMENTS + ["Read also:", "Bloomberg:"]:
        assert fragment not in raw_body
    assert "Read also" not in story.standfirst

    # Curated Read also links: seven, in order, to seven draft stubs.
    links = list(story.read_also_links.order_by("sort_order").select_related("target"))
    assert [(link.target.source_label, link.target.title) for link in links] == READ_ALSO
    assert all(link.external_url == "" for link in links)
    stubs = [link.target for link in links]
    assert len({stub.pk for stub in stubs}) == 7
    assert ArticlePage.objects.count() == 8
    for stub in stubs:
        assert not stub.live
        assert stub.first_published_at is None
        assert stub.get_parent().pk == news.pk
        assert stub.standfirst == ""
        assert len(stub.body) == 0
        assert {tag.name for tag in stub.tags.all()} == TAGS
        revisions = list(stub.revisions.all())
        assert len(revisions) == 1 and revisions[0].user_id is None
    eu = ArticlePage.objects.get(title=EU_LEADERS)
    assert eu.source_label == "Bloomberg"
    assert eu.slug == "eu-leaders-to-call-for-new-sanctions-on-belarus-north-korea-iran"

    # The front page leads with the story: the newest live article, since the importer
    # pins nothing (an empty top story means "newest leads").
    home.refresh_from_db()
    assert home.top_story_id is None
    assert front_page_top_story(home).pk == story.pk

    assert "Created (9): News (index); " in output
    assert f"{HEADLINE} (story)" in output
    assert f"{EU_LEADERS} (draft stub)" in output
    assert "Updated (0): none" in output
    assert "Skipped (0): none" in output
    assert "Conflicts (0): none" in output
    assert f"Closing passage found: {APPEAL_HEADING}" in output


def test_existing_news_index_and_articles_are_reused(news):
    existing = ArticlePageFactory(
        parent=news, title="Ukraine reports first evidence of North Korean missile used by Russia"
    )
    run(str(SEED))

    assert ArticleIndexPage.objects.count() == 1
    story = story_page()
    assert story.get_parent().pk == news.pk
    targets = [link.target for link in story.read_also_links.order_by("sort_order")]
    assert targets[5].pk == existing.pk
    assert targets[5].live
    assert ArticlePage.objects.count() == 1 + 1 + 6  # existing, story, six stubs


def test_top_story_already_set_is_kept(news, home):
    lead = ArticlePageFactory(parent=news)
    home.top_story = lead
    home.save_revision().publish()
    run(str(SEED))
    home.refresh_from_db()
    assert home.top_story_id == lead.pk
    assert front_page_top_story(home).pk == lead.pk


def test_the_importer_never_pins_the_top_story(news, home, tmp_path, client):
    """An editor who cleared the top story, so that the newest article leads, keeps that."""
    home_revisions = home.revisions.count()
    run(str(SEED))
    assert front_page_top_story(home).pk == story_page().pk

    newer = write(tmp_path / "newer.txt", story_text("A newer story"))
    run(str(newer))

    home.refresh_from_db()
    assert home.top_story_id is None
    assert home.revisions.count() == home_revisions  # the importer never touches Home
    assert front_page_top_story(home).title == "A newer story"
    html = client.get("/").content.decode()
    top = html.split('class="top-story"', 1)[1].split("</section>", 1)[0]
    assert "A newer story" in top


def test_second_run_creates_and_changes_nothing(home):
    run(str(SEED))
    before = counts()
    story = story_page()

    output = run(str(SEED))

    assert counts() == before
    assert story_page().latest_revision_id == story.latest_revision_id
    assert "Created (0): none" in output
    assert f"Skipped (1): {HEADLINE} (already imported)" in output
    assert f"Closing passage found: {APPEAL_HEADING}" in output


def test_update_refreshes_the_story_as_a_new_published_revision(home, seed_copy):
    run(str(seed_copy))
    story = story_page()
    before = counts()
    old_revision = story.latest_revision

    text = seed_copy.read_text(encoding="utf-8").replace(STANDFIRST, "A corrected standfirst.")
    seed_copy.write_text(text, encoding="utf-8")
    sidecar = seed_copy.with_suffix(".toml")
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace('"military aid"', '"arms trade"'),
        encoding="utf-8",
    )
    output = run(str(seed_copy), update=True)

    story = ArticlePage.objects.get(pk=story.pk)
    assert story.standfirst == "A corrected standfirst."
    assert {tag.name for tag in story.tags.all()} == TAGS - {"military aid"} | {"arms trade"}
    assert story.live and story.live_revision_id == story.latest_revision_id
    assert story.latest_revision_id != old_revision.pk
    assert story.revisions.count() == 2
    # The old text stays in the history, so an editor can roll back.
    assert old_revision.as_object().standfirst == STANDFIRST
    assert story.read_also_links.count() == 7
    after = counts()
    assert after["pages"] == before["pages"]
    assert after["links"] == before["links"]
    assert after["page_revisions"] == before["page_revisions"] + 1
    assert f"Updated (1): {HEADLINE} (story)" in output


def test_update_without_changes_still_makes_a_new_revision(home):
    run(str(SEED))
    story = story_page()
    run(str(SEED), update=True)
    assert story.revisions.count() == 2
    assert ArticlePage.objects.count() == 8


# --- Stubs --------------------------------------------------------------------------------------


def test_a_later_story_fills_its_stub_instead_of_duplicating_it(home, tmp_path):
    run(str(SEED))
    stub = ArticlePage.objects.get(title=MAPPING)
    pages = ArticlePage.objects.count()

    # Straight apostrophe and different case: still the same headline.
    later = write(
        tmp_path / "mapping.txt",
        story_text(
            "MAPPING North Korea's discreet artillery ammo route to Russia",
            standfirst="Trains now carry the shells.",
            body=["Satellite images show the route.", "It runs through Tumangang."],
        ),
        sidecar='tags = ["railways"]\n',
    )
    output = run(str(later))

    filled = ArticlePage.objects.get(pk=stub.pk)
    assert ArticlePage.objects.count() == pages
    assert filled.live
    assert filled.title == "MAPPING North Korea's discreet artillery ammo route to Russia"
    assert filled.standfirst == "Trains now carry the shells."
    assert [block.value.source for block in filled.body] == [
        "<p>Satellite images show the route.</p>",
        "<p>It runs through Tumangang.</p>",
    ]
    assert [tag.name for tag in filled.tags.all()] == ["railways"]
    assert "(draft stub filled in)" in output
    # The seed story's links still point at the same page, now live.
    story = story_page()
    assert story.body[1].value["article"].pk == stub.pk


def test_stub_edited_by_an_editor_is_left_alone_as_a_conflict(home, tmp_path):
    run(str(SEED))
    stub = ArticlePage.objects.get(title=EU_LEADERS)
    editor = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    stub.standfirst = "An editor's own standfirst."
    stub.save_revision(user=editor, clean=False)
    revisions = stub.revisions.count()

    later = write(tmp_path / "eu.txt", story_text("Bloomberg: " + EU_LEADERS))
    output = run(str(later))

    stub = ArticlePage.objects.get(pk=stub.pk)
    assert not stub.live
    assert stub.revisions.count() == revisions
    assert stub.get_latest_revision().as_object().standfirst == "An editor's own standfirst."
    assert ArticlePage.objects.filter(title__contains="EU leaders").count() == 1
    assert f"Conflicts (1): {EU_LEADERS} (an editor has changed" in output


def test_stub_titles_match_across_quotes_case_punctuation_and_prefix():
    assert normalise_title(MAPPING) == normalise_title(
        "mapping north korea's discreet artillery ammo route to russia!"
    )
    assert normalise_title("Bloomberg: " + EU_LEADERS) == normalise_title(EU_LEADERS)
    assert normalise_title("“Quoted”  headline") == normalise_title('"quoted" headline')
    assert normalise_title("One headline") != normalise_title("Another headline")


# --- Sources ----------------------------------------------------------------------------------


def test_split_source_guesses_prefixes_of_up_to_three_words():
    assert split_source("Bloomberg: EU leaders") == ("Bloomberg", "EU leaders")
    assert split_source("The Kyiv Independent: Title") == ("The Kyiv Independent", "Title")
    assert split_source("Four words before colon: Title") == (
        "",
        "Four words before colon: Title",
    )
    assert split_source("No prefix here") == ("", "No prefix here")
    assert split_source("At 10:30 the sirens") == ("", "At 10:30 the sirens")


def test_split_source_with_a_sources_list_only_takes_those():
    sources = ["Bloomberg", "NK Pro"]
    assert split_source("Explainer: What is X", sources) == ("", "Explainer: What is X")
    assert split_source("nk pro: Images", sources) == ("NK Pro", "Images")


def test_sidecar_sources_override_the_prefix_guess(home, tmp_path):
    items = ["Explainer: What the sanctions cover", "Bloomberg: Sanctions widen"]
    guessed = write(tmp_path / "a.txt", story_text("Story A", read_also=items))
    listed = write(
        tmp_path / "b.txt",
        story_text("Story B", read_also=["Explainer: What the rules say", *items[1:]]),
        sidecar='sources = ["Bloomberg"]\n',
    )
    run(str(guessed))
    stub = ArticlePage.objects.get(title="What the sanctions cover")
    assert stub.source_label == "Explainer"

    run(str(listed))
    stub = ArticlePage.objects.get(title="Explainer: What the rules say")
    assert stub.source_label == ""
    assert ArticlePage.objects.get(title="Sanctions widen").source_label == "Bloomberg"
    assert ArticlePage.objects.filter(title="Sanctions widen").count() == 1


# --- Format -----------------------------------------------------------------------------------


def test_bom_and_crlf_are_accepted(home, tmp_path):
    path = write(
        tmp_path / "crlf.txt",
        b"\xef\xbb\xbfHeadline\r\n\r\nStandfirst.\r\nFirst.\r\n\r\nSecond.\r\n",
    )
    run(str(path))
    page = ArticlePage.objects.get()
    assert page.title == "Headline"
    assert page.standfirst == "Standfirst."
    assert [block.value.source for block in page.body] == ["<p>First.</p>", "<p>Second.</p>"]


def test_html_in_a_story_file_is_escaped(home, tmp_path):
    path = write(
        tmp_path / "html.txt",
        story_text(
            "<b>Bold</b> headline",
            standfirst="<i>Standfirst</i>",
            body=['<script>alert("x")</script> & <a href="http://evil">link</a>'],
        ),
    )
    run(str(path))
    page = ArticlePage.objects.get()
    assert page.title == "<b>Bold</b> headline"  # plain text; templates escape it
    assert page.body[0].value.source == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        "&lt;a href=&quot;http://evil&quot;&gt;link&lt;/a&gt;</p>"
    )
    assert "<script>" not in str(page.body[0].value)


def test_a_parsed_story_is_made_of_parsed_blocks_and_read_also_items():
    story = parse_story(
        story_text("Headline", body=["First.", "Other story", "Last."], read_also=["Other story"])
    )
    assert story.body == [
        ParsedBlock(text="First."),
        ParsedBlock(text="Other story", read_also=0),
        ParsedBlock(text="Last."),
    ]
    assert story.read_also == [
        ParsedReadAlso(text="Other story", title="Other story", source_label="")
    ]
    assert story.closing_lines == ()


# --- The closing passage ------------------------------------------------------------------------


def test_lines_after_the_list_without_appeal_starts_are_an_error_naming_the_first():
    text = story_text("Headline", read_also=["Other story"]) + (
        "Correction: an earlier version misspelt a name.\nSecond note.\n"
    )
    with pytest.raises(StoryError) as error:
        parse_story(text)
    message = str(error.value)
    assert "line 6, after the Read also list: Correction: an earlier version misspelt" in message
    assert "appeal_starts" in message  # says how to keep a passage apart from the article


def test_a_correction_note_after_the_list_stops_the_import_and_writes_nothing(home, tmp_path):
    """The bug as filed: such a note became the site-wide appeal (or, alone on its line, failed
    the import with an error about the appeal's body)."""
    path = write(
        tmp_path / "corrected.txt",
        story_text("Corrected story", read_also=["Other story"]) + "Correction: a name.\n",
    )
    before = counts()
    with pytest.raises(CommandError) as error:
        run(str(path), update=True)
    message = str(error.value)
    assert message.startswith(f"{path}: unexpected text on line 6, after the Read also list: ")
    assert "Correction: a name." in message
    assert "body" not in message
    assert "\n" not in message
    assert counts() == before


def test_appeal_starts_splits_off_the_closing_passage_wherever_it_is():
    text = story_text("Headline", body=["Body.", "Support us", "Join us or read more."])
    story = parse_story(text, {"appeal_starts": "Support us"})
    assert story.paragraphs == ["Body."]
    assert story.closing_lines == ("Support us", "Join us or read more.")
    assert story.appeal_starts == "Support us"


def test_the_closing_passage_may_come_before_the_list_and_ends_at_it():
    text = story_text("Headline", body=["Body.", "SUPPORT US!", "Please."], read_also=["Other"])
    story = parse_story(text, {"appeal_starts": "Support us"})
    assert story.paragraphs == ["Body."]
    assert story.closing_lines == ("SUPPORT US!", "Please.")
    assert [item.title for item in story.read_also] == ["Other"]


def test_text_between_the_list_and_the_appeal_is_an_error():
    text = story_text("Headline", read_also=["Other"]) + "Stray line\nSupport us\nPlease.\n"
    with pytest.raises(StoryError, match="line 6, after the Read also list: Stray line"):
        parse_story(text, {"appeal_starts": "Support us"})


def test_text_after_a_list_that_follows_the_closing_passage_is_an_error():
    text = story_text("Headline", body=["Body.", "Support us"], read_also=["Other"]) + "Stray\n"
    with pytest.raises(StoryError, match="line 7, after the Read also list: Stray"):
        parse_story(text, {"appeal_starts": "Support us"})


def test_appeal_starts_naming_the_read_also_line_is_an_error():
    text = story_text("Headline", read_also=["Other"])
    with pytest.raises(StoryError, match="appeal_starts names the Read also: line"):
        parse_story(text, {"appeal_starts": "Read also"})


def test_the_seeds_closing_passage_is_split_off_whole():
    story = parse_story(
        SEED.read_text(encoding="utf-8"),
        {"appeal_starts": APPEAL_HEADING, "sources": ["Bloomberg", "NK Pro"]},
    )
    assert len(story.closing_lines) == 3
    assert story.closing_lines[0] == APPEAL_HEADING
    assert story.closing_lines[1].startswith("We keep our reporting open")
    assert story.closing_lines[2].endswith("Become a patron or see other ways to support.")
    assert len(story.read_also) == 7
    assert story.tags is None and story.source_label is None


def readme_example():
    """The story file and sidecar shown in README.md's "Importing stories"."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Importing stories\n", 1)[1].split("\n## ", 1)[0]
    story = section.split("```text\n", 1)[1].split("```", 1)[0]
    sidecar = section.split("```toml\n", 1)[1].split("```", 1)[0]
    return story, sidecar


def test_the_readme_example_imports_as_the_readme_says(home, tmp_path, passages):
    story, sidecar = readme_example()
    run(str(write(tmp_path / "ports.txt", story, sidecar=sidecar)))
    page = ArticlePage.objects.get(title="Ports reopen after the storm")
    assert page.source_label == "Coast Radio"
    assert page.source_url == "https://coastradio.example/news/ports-reopen"
    assert {tag.name for tag in page.tags.all()} == {"Shipping", "Weather"}
    assert [block.block_type for block in page.body] == ["paragraph", "read_also", "paragraph"]
    links = page.read_also_links.order_by("sort_order").select_related("target")
    assert [(link.target.source_label, link.target.title) for link in links] == [
        ("Reuters", "Storm closes every port on the coast"),
        ("", "Fishermen count the cost of a lost week"),
    ]
    [passage] = passages
    assert passage["lines"] == (
        "You could close this page. Or you could support our reporting.",
        "Our small team depends on readers like you. Become a patron or see other ways to support.",
    )


def test_signal_carries_the_closing_passage(home, passages):
    run(str(SEED))
    assert len(passages) == 1
    call = passages[0]
    assert call["sender"] is SeedImporter
    assert call["path"] == SEED
    assert call["update"] is False
    assert call["appeal_starts"] == APPEAL_HEADING
    assert call["headline"] == HEADLINE
    assert call["story_key"] == normalise_title(HEADLINE)
    lines = call["lines"]
    assert len(lines) == 3
    assert lines[0] == APPEAL_HEADING
    assert lines[-1].endswith("Become a patron or see other ways to support.")

    run(str(SEED), update=True)
    assert passages[-1]["update"] is True
    assert passages[-1]["story_key"] == call["story_key"]


def test_lines_returned_by_receivers_are_reported(home, tmp_path):
    def receiver(sender, **kwargs):
        return "Appeal noted by a receiver"

    closing_passage_found.connect(receiver, weak=False)
    try:
        output = run(str(SEED))
    finally:
        closing_passage_found.disconnect(receiver)
    assert "Appeal noted by a receiver" in output.splitlines()


def test_no_signal_for_a_story_without_a_closing_passage(home, tmp_path, passages):
    run(str(write(tmp_path / "plain.txt", story_text("Plain", read_also=["Other"]))))
    assert passages == []


def failing_receiver(exception):
    def receiver(sender, **kwargs):
        raise exception

    return receiver


def receiver_breaking_a_constraint(sender, **kwargs):
    """A real database error: a second site on the default site's hostname and port."""
    site = Site.objects.get(is_default_site=True)
    Site.objects.create(hostname=site.hostname, port=site.port, root_page=site.root_page)


RECEIVER_ERRORS = {
    "value-error": (failing_receiver(ValueError("no\nsuch passage")), "no such passage"),
    "validation-error": (
        failing_receiver(ValidationError({"body": ["This field cannot be blank."]})),
        "body: This field cannot be blank.",
    ),
    "integrity-error": (receiver_breaking_a_constraint, "UNIQUE"),
}


@pytest.mark.parametrize("receiver,problem", RECEIVER_ERRORS.values(), ids=RECEIVER_ERRORS.keys())
def test_an_error_in_a_receiver_is_one_line_and_writes_nothing(home, receiver, problem):
    before = counts()
    closing_passage_found.connect(receiver, weak=False)
    try:
        with pytest.raises(CommandError) as error:
            run(str(SEED))
    finally:
        closing_passage_found.disconnect(receiver)
    message = str(error.value)
    assert message.startswith(f"{SEED}: ")
    assert problem.casefold() in message.casefold()
    assert "\n" not in message
    assert counts() == before
    assert not ArticlePage.objects.exists()


# --- Which files ------------------------------------------------------------------------------


def test_explicit_path_imports_only_that_path(home, settings, tmp_path):
    settings.ARTICLES_SEEDS_DIR = SEED.parent
    path = write(tmp_path / "only.txt", story_text("Only this one"))
    run(str(path))
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["Only this one"]


def test_no_path_imports_every_seed_file_sorted_by_name(home, settings, tmp_path):
    settings.ARTICLES_SEEDS_DIR = tmp_path
    write(tmp_path / "b.txt", story_text("Story from b"))
    write(tmp_path / "a.txt", story_text("Story from a"))
    write(tmp_path / "notes.md", "not a story")
    run()
    titles = list(ArticlePage.objects.order_by("pk").values_list("title", flat=True))
    assert titles == ["Story from a", "Story from b"]
    home.refresh_from_db()
    assert home.top_story_id is None


# --- Bad input --------------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "empty"),
    "blank-lines-only": (b"\n   \r\n\t\n", "no headline"),
    "headline-only": (b"Just a headline\n", "no standfirst"),
    "no-body": (b"Headline\nStandfirst\n", "no body"),
    "no-body-before-read-also": (b"Headline\nStandfirst\nRead also:\n- Other\n", "no body"),
    "nul-bytes": (b"Headline\nStand\x00first\nBody\n", "binary"),
    "control-char": (b"Headline\nStandfirst\x1b[0m\nBody\n", "control character"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin-1": ("Headline\nCaf\xe9 standfirst\nBody\n".encode("latin-1"), "not UTF-8"),
    "punctuation-headline": (b"!!!\nStandfirst\nBody\n", "no letters or digits"),
    "headline-too-long": (b"H" * 256 + b"\nStandfirst\nBody\n", "longer than 255"),
    "text-after-the-list": (
        b"Headline\nStandfirst\nBody\nRead also:\n- Other\nCorrection: a name.\n",
        "line 6, after the Read also list: Correction: a name.",
    ),
    "a-second-list": (
        b"Headline\nStandfirst\nBody\nRead also:\n- One\nRead also:\n- Two\n",
        "line 6, after the Read also list: Read also:",
    ),
    "list-names-the-story": (
        b"Headline\nStandfirst\nBody\nRead also:\n- HEADLINE!\n",
        "names the story itself",
    ),
    "item-without-letters": (b"Headline\nStandfirst\nBody\nRead also:\n- ...\n", "no letters"),
    "fifty-one-items": (
        story_text("Headline", read_also=[f"Other story {n}" for n in range(51)]).encode(),
        "the Read also list has 51 items; the limit is 50",
    ),
}


@pytest.mark.parametrize("content,problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_story_file_is_a_clear_error_and_writes_nothing(home, tmp_path, content, problem):
    path = write(tmp_path / "bad_story.txt", content)
    before = counts()
    with pytest.raises(CommandError) as error:
        run(str(path))
    message = str(error.value)
    assert str(path) in message
    assert problem in message
    assert "\n" not in message
    assert counts() == before


def test_oversized_file_is_refused_before_reading(home, tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(1024 * 1024 + 1)
    before = counts()

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(CommandError, match=r"huge\.txt: the file is too large"):
        run(str(path))
    assert counts() == before


def test_a_file_of_exactly_one_mib_is_accepted(home, tmp_path):
    text = story_text("Big", body=["x" * 1000] * 10)
    padding = 1024 * 1024 - len(text.encode())
    path = write(tmp_path / "big.txt", text + "\n" * padding)
    assert path.stat().st_size == 1024 * 1024
    run(str(path))
    assert ArticlePage.objects.get().title == "Big"


def test_missing_path_is_a_clear_error(home, tmp_path):
    before = counts()
    with pytest.raises(CommandError, match=r"missing\.txt: no such file"):
        run(str(tmp_path / "missing.txt"))
    assert counts() == before


def test_empty_seeds_folder_is_a_clear_error(home, settings, tmp_path):
    settings.ARTICLES_SEEDS_DIR = tmp_path
    with pytest.raises(CommandError, match="no story files"):
        run()


BAD_SIDECARS = {
    "invalid-toml": ('tags = ["North Korea"\n', "invalid TOML"),
    "tags-not-a-list": ('tags = "North Korea"\n', "must be a list of strings"),
    "source-not-a-string": ("source = 3\n", "must be a string"),
    "unknown-key": ('tag = ["x"]\n', "unknown sidecar key 'tag'"),
    "appeal-line-missing": ('appeal_starts = "No such line"\n', "appeal_starts line is not in"),
    "appeal-starts-punctuation": ('appeal_starts = "..."\n', "has no letters or digits"),
    "appeal-starts-not-a-string": ("appeal_starts = 1\n", "must be a string"),
    "sources-not-strings": ("sources = [1, 2]\n", "must be a list of strings"),
    "tag-too-long": (f'tags = ["{"x" * 101}"]\n', "longer than 100 characters"),
    "not-a-table": ("tags = []\n[tags]\n", "invalid TOML"),
    "source-url-javascript": (
        'source_url = "javascript:alert(1)"\n',
        "sidecar key 'source_url' must be an http:// or https:// URL",
    ),
    "source-url-ftp": (
        'source_url = "ftp://example.com/story"\n',
        "sidecar key 'source_url' must be an http:// or https:// URL",
    ),
    "source-url-not-a-url": (
        'source_url = "not a url"\n',
        "sidecar key 'source_url' must be an http:// or https:// URL",
    ),
    "source-url-too-long": (
        f'source_url = "https://example.com/{"x" * 500}"\n',
        "sidecar key 'source_url' is longer than 500 characters",
    ),
    "source-url-not-a-string": ("source_url = 3\n", "sidecar key 'source_url' must be a string"),
}


@pytest.mark.parametrize("sidecar,problem", BAD_SIDECARS.values(), ids=BAD_SIDECARS.keys())
def test_malformed_sidecar_is_a_clear_error(home, tmp_path, sidecar, problem):
    path = write(tmp_path / "story.txt", story_text("Headline"), sidecar=sidecar)
    before = counts()
    with pytest.raises(CommandError) as error:
        run(str(path))
    message = str(error.value)
    assert "story.toml" in message or "story.txt" in message
    assert problem in message
    assert counts() == before


def test_sidecar_errors_name_the_sidecar(home, tmp_path):
    path = write(tmp_path / "story.txt", story_text("Headline"), sidecar="tags = [\n")
    with pytest.raises(CommandError, match=r"story\.toml: invalid TOML"):
        run(str(path))


def test_one_bad_file_among_good_ones_writes_nothing(home, settings, seed_copy):
    settings.ARTICLES_SEEDS_DIR = seed_copy.parent
    write(seed_copy.parent / "001_bad.txt", b"Headline only\n")
    before = counts()

    with pytest.raises(CommandError, match=r"001_bad\.txt: .*no standfirst"):
        run()
    with pytest.raises(CommandError, match=r"001_bad\.txt"):
        run(str(seed_copy), str(seed_copy.parent / "001_bad.txt"))

    assert counts() == before
    assert not ArticleIndexPage.objects.exists()
    assert not ArticlePage.objects.exists()
    home.refresh_from_db()
    assert home.top_story_id is None


def test_a_failure_while_writing_rolls_everything_back(home, seed_copy, monkeypatch):
    from articles import importing

    write_story = importing.SeedImporter._write_story

    def fail(self, story, page):
        write_story(self, story, page)  # the story and its stubs are written, then…
        raise importing.SeedError(None, "boom")

    monkeypatch.setattr(importing.SeedImporter, "_write_story", fail)
    before = counts()
    with pytest.raises(CommandError, match="boom"):
        run(str(seed_copy))
    assert counts() == before


def test_two_files_with_the_same_headline_are_refused(home, tmp_path):
    first = write(tmp_path / "one.txt", story_text("Same headline"))
    second = write(tmp_path / "two.txt", story_text("Same headline!"))
    with pytest.raises(CommandError, match=r"two\.txt: the same headline as"):
        run(str(first), str(second))
    assert not ArticlePage.objects.exists()


def test_a_read_also_list_of_fifty_items_is_accepted(home, tmp_path):
    items = [f"Other story {n}" for n in range(50)]
    run(str(write(tmp_path / "fifty.txt", story_text("Fifty links", read_also=items))))
    story = ArticlePage.objects.get(title="Fifty links")
    assert story.read_also_links.count() == 50
    assert ArticlePage.objects.filter(live=False).count() == 50


def test_more_than_fifty_items_name_the_file_and_count_and_write_nothing(home, tmp_path):
    items = [f"Other story {n}" for n in range(1500)]
    path = write(tmp_path / "huge-list.txt", story_text("Too many links", read_also=items))
    before = counts()
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert str(error.value) == (f"{path}: the Read also list has 1500 items; the limit is 50.")
    assert counts() == before


# --- Indexes ----------------------------------------------------------------------------------


def test_imported_stubs_are_found_by_the_admins_page_search_and_chooser(home, editor_client):
    run(str(SEED))
    stub = ArticlePage.objects.get(title=EU_LEADERS)

    search = editor_client.get(reverse("wagtailadmin_pages:search"), {"q": "sanctions Belarus"})
    assert search.status_code == 200
    assert reverse("wagtailadmin_pages:edit", args=[stub.pk]) in search.content.decode()

    chooser = editor_client.get(
        reverse("wagtailadmin_choose_page_search"),
        {"q": "Satellite images", "page_type": "articles.articlepage"},
    )
    assert chooser.status_code == 200
    html = chooser.content.decode()
    satellite = ArticlePage.objects.get(title__startswith="Satellite images")
    assert satellite.title in html
    assert f'data-id="{satellite.pk}"' in html


def test_a_filled_stub_is_searchable_by_its_new_text(home, tmp_path, editor_client):
    run(str(SEED))
    later = write(
        tmp_path / "mapping.txt",
        story_text(MAPPING, standfirst="Trains now carry the shells.", body=["Via Tumangang."]),
    )
    run(str(later))
    stub = ArticlePage.objects.get(title=MAPPING)
    assert list(ArticlePage.objects.search("Tumangang")) == [stub]


def test_the_reference_index_knows_the_storys_links_to_its_stubs(home, editor_client):
    run(str(SEED))
    story = story_page()
    stubs = [link.target for link in story.read_also_links.all()]
    for stub in stubs:
        sources = ReferenceIndex.get_references_to(stub).group_by_source_object()
        assert [source.pk for source, _refs in sources] == [story.pk], stub.title
    # The inline Read also block is known too: the mapping stub is linked twice.
    mapping = ArticlePage.objects.get(title=MAPPING)
    assert ReferenceIndex.get_references_to(mapping).count() == 2

    usage = editor_client.get(reverse("wagtailadmin_pages:usage", args=[mapping.pk]))
    assert usage.status_code == 200
    assert HEADLINE in usage.content.decode()


def test_sidecar_source_url_links_the_source(home, tmp_path):
    path = write(
        tmp_path / "story.txt",
        story_text("Headline"),
        sidecar='source = "Bloomberg"\nsource_url = "https://example.com/eu-leaders"\n',
    )
    run(str(path))
    page = ArticlePage.objects.get(title="Headline")
    assert (page.source_label, page.source_url) == ("Bloomberg", "https://example.com/eu-leaders")


def test_an_empty_sidecar_source_url_removes_the_link_on_update(home, tmp_path):
    path = write(
        tmp_path / "story.txt",
        story_text("Headline"),
        sidecar='source_url = "http://example.com/a"\n',
    )
    run(str(path))
    assert ArticlePage.objects.get(title="Headline").source_url == "http://example.com/a"
    write(path, story_text("Headline"), sidecar='source_url = ""\n')
    run(str(path), update=True)
    assert ArticlePage.objects.get(title="Headline").source_url == ""


def test_a_sidecar_without_source_url_leaves_it_alone(home, tmp_path):
    path = write(
        tmp_path / "story.txt",
        story_text("Headline"),
        sidecar='source_url = "https://example.com/a"\n',
    )
    run(str(path))
    write(path, story_text("Headline"), sidecar='tags = ["x"]\n')
    run(str(path), update=True)
    assert ArticlePage.objects.get(title="Headline").source_url == "https://example.com/a"


def test_parse_sidecar_reads_source_url():
    assert parse_sidecar('source_url = "https://example.com/x"').source_url == (
        "https://example.com/x"
    )
    assert parse_sidecar('source_url = ""').source_url == ""
    assert parse_sidecar("").source_url is None
    with pytest.raises(StoryError, match="'source_url' must be an http:// or https:// URL"):
        parse_sidecar('source_url = "javascript:alert(1)"')
