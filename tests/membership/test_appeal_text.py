"""Splitting an appeal's text into the first block and the rest."""

from membership.appeal_text import split_first_block


def test_the_first_paragraph_and_the_rest():
    html = "<p>One.</p>\n<p>Two <b>bold</b>.</p><ul><li>Three</li></ul>"
    assert split_first_block(html) == (
        "<p>One.</p>",
        "<p>Two <b>bold</b>.</p><ul><li>Three</li></ul>",
    )


def test_one_paragraph_has_no_rest():
    assert split_first_block("<p>Only this.</p>") == ("<p>Only this.</p>", "")


def test_empty_text():
    assert split_first_block("") == ("", "")
    assert split_first_block(None) == ("", "")
    assert split_first_block("  \n ") == ("", "")


def test_links_keep_wagtails_stored_form_for_the_richtext_filter():
    html = '<p>See <a linktype="page" id="3">this</a>.</p><p>More.</p>'
    first, rest = split_first_block(html)
    # bs4 writes attributes in sorted order; the richtext filter reads either.
    assert first == '<p>See <a id="3" linktype="page">this</a>.</p>'
    assert rest == "<p>More.</p>"


def test_stray_text_counts_as_a_block():
    assert split_first_block("Plain words<p>Then a paragraph.</p>") == (
        "Plain words",
        "<p>Then a paragraph.</p>",
    )


def test_the_first_block_need_not_be_a_paragraph():
    assert split_first_block("<h3>Why</h3><p>Because.</p>") == ("<h3>Why</h3>", "<p>Because.</p>")
