"""The appeal passage's grammar: heading, paragraphs and the two buttons' labels."""

from pathlib import Path

import pytest

from membership.passage import AppealPassage, AppealPassageError, parse_appeal

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_6f1df5a3d3c7a09b.txt"


def test_the_seeds_closing_passage():
    lines = SEED.read_text(encoding="utf-8").splitlines()[-3:]
    appeal = parse_appeal(lines)
    assert appeal.heading == lines[0]
    assert len(appeal.paragraphs) == 2
    assert appeal.paragraphs[0].startswith("We keep our reporting open")
    assert appeal.paragraphs[1].endswith("vote for topics we should cover next.")
    assert appeal.cta_label == "Become a patron"
    assert appeal.secondary_label == "see other ways to support"


def test_the_closing_sentence_gives_the_labels_and_leaves_the_paragraph():
    assert parse_appeal(["Support us", "We need you. Join us or read more about us."]) == (
        AppealPassage(
            heading="Support us",
            paragraphs=["We need you."],
            cta_label="Join us",
            secondary_label="read more about us",
        )
    )


def test_a_paragraph_that_is_only_the_closing_sentence_goes():
    appeal = parse_appeal(["Support us", "We need you.", "Join us or read more!"])
    assert appeal.paragraphs == ["We need you."]
    assert (appeal.cta_label, appeal.secondary_label) == ("Join us", "read more")


def test_without_a_closing_sentence_there_are_no_labels():
    appeal = parse_appeal(["Support us", "We need you.", "Thank you."])
    assert appeal.paragraphs == ["We need you.", "Thank you."]
    assert (appeal.cta_label, appeal.secondary_label) == ("", "")


def test_a_long_or_sentence_is_text_not_buttons():
    sentence = (
        "You can read every story we publish for free today or you can help us keep "
        "reporting from the front line for years."
    )
    appeal = parse_appeal(["Support us", sentence])
    assert appeal.paragraphs == [sentence]
    assert appeal.cta_label == ""


@pytest.mark.parametrize(
    "lines",
    [["Support us"], ["Support us", "Join us or read more."], []],
    ids=["heading-only", "heading-and-buttons-only", "empty"],
)
def test_a_passage_without_text_after_its_heading_is_refused(lines):
    with pytest.raises(AppealPassageError) as error:
        parse_appeal(lines)
    assert "\n" not in str(error.value)
