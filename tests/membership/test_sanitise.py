"""Rich text created in code is sanitised when an Appeal is saved; nothing unsafe renders."""

import re

import pytest
from wagtail.models import Site

from membership.models import Appeal, MembershipSettings
from membership.placement import render_appeal
from membership.sanitise import sanitise_rich_text
from membership.selection import load_snapshot
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<p>Before.</p>"
    "<script>alert(1)</script>"
    '<p><a href="javascript:alert(1)">x</a></p>'
    "<img src=x onerror=alert(2)>"
    '<p onclick="alert(3)">Click me.</p>'
)

NASTY = [
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(4)</scr</script>ipt>",
    '<a href="JaVaScRiPt:alert(5)">x</a>',
    '<a href=" javascript:alert(6)">x</a>',
    '<a href="java&#x09;script:alert(7)">x</a>',
    '<a href="&#106;avascript:alert(8)">x</a>',
    '<a href="vbscript:msgbox(9)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=">x</a>',
    '<a href="https://example.com/" onmouseover="alert(11)" style="color:red">ok</a>',
    "<svg onload=alert(12)><circle/></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example/"><input name="card"><button>Pay</button></form>',
    '<math><mi xlink:href="javascript:alert(13)">x</mi></math>',
    "<!-- <script>alert(14)</script> -->",
    '<p style="background:url(javascript:alert(15))">styled</p>',
    '<div onfocus="alert(16)" tabindex="0">div</div>',
    '<b onmouseover="alert(17)">bold</b>',
    '<noscript><p title="</noscript><img src=x onerror=alert(18)>"></noscript>',
    '<template><img src=x onerror="alert(19)"></template>',
    '<base href="https://evil.example/"><meta http-equiv=refresh content=0;url=//evil>',
]


def snapshot():
    return load_snapshot(Site.objects.get(is_default_site=True))


def assert_safe(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert "vbscript:" not in lowered
    assert "data:text/html" not in lowered
    assert not re.search(r"\bon[a-z]+\s*=", lowered), html
    for tag in (
        "<iframe",
        "<img",
        "<svg",
        "<style",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<base",
        "<meta",
        "<math",
        "<template",
        "<noscript",
    ):
        assert tag not in lowered, (tag, html)
    assert "style=" not in lowered


def test_hostile_body_is_cleaned_on_save(home):
    appeal = AppealFactory(body=HOSTILE)
    appeal.refresh_from_db()
    assert_safe(appeal.body)
    assert "alert(1)" not in appeal.body  # a script's code is dropped, not kept as text
    assert "<p>Before.</p>" in appeal.body
    assert "Click me." in appeal.body
    assert ">x</a>" in appeal.body  # the link text stays; only the bad href goes


def test_hostile_body_is_cleaned_on_a_plain_model_save(home):
    appeal = Appeal(name="Raw", heading="Raw", body=HOSTILE)
    appeal.save()
    assert_safe(Appeal.objects.get(pk=appeal.pk).body)


def test_hostile_body_is_cleaned_in_revisions_and_after_publishing(home):
    appeal = AppealFactory()
    appeal.body = HOSTILE
    revision = appeal.save_revision()
    assert_safe(revision.as_object().body)
    revision.publish()
    assert_safe(Appeal.objects.get(pk=appeal.pk).body)


def test_rendered_appeal_is_safe(home):
    appeal = AppealFactory(body=HOSTILE + "".join(NASTY))
    html = render_appeal(Appeal.objects.get(pk=appeal.pk), snapshot(), position="end")
    assert_safe(html.replace('data-beacon="/membership/beacon/"', ""))


@pytest.mark.parametrize("fragment", NASTY)
def test_each_nasty_fragment_is_cleaned(fragment):
    assert_safe(sanitise_rich_text(f"<p>Keep me.</p>{fragment}"))
    assert "Keep me." in sanitise_rich_text(f"<p>Keep me.</p>{fragment}")


def test_safe_formatting_survives():
    html = (
        "<p>A <b>bold</b> and <i>italic</i> word, and "
        '<a href="https://example.com/support?x=1&amp;y=2">a link</a>.</p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
        '<p><a href="mailto:desk@example.com">mail</a> <a href="/support/">local</a></p>'
    )
    cleaned = sanitise_rich_text(html)
    for part in (
        "<b>bold</b>",
        "<i>italic</i>",
        "<li>one</li>",
        "<li>two</li>",
        'href="https://example.com/support?x=1&amp;y=2"',
        'href="mailto:desk@example.com"',
        'href="/support/"',
    ):
        assert part in cleaned, part


def test_internal_links_in_database_format_survive_and_render(news):
    target = ArticlePageFactory(parent=news, title="Linked story", slug="linked-story")
    body = f'<p>See <a linktype="page" id="{target.pk}">our story</a>.</p>'
    appeal = AppealFactory(body=body)
    appeal.refresh_from_db()
    assert 'linktype="page"' in appeal.body
    assert f'id="{target.pk}"' in appeal.body
    html = render_appeal(appeal, snapshot(), position="end")
    assert f'href="{target.url}"' in html
    assert "our story</a>" in html


def test_document_links_in_database_format_survive():
    cleaned = sanitise_rich_text('<p><a linktype="document" id="7">the report</a></p>')
    assert 'linktype="document"' in cleaned and 'id="7"' in cleaned


def test_empty_body_stays_empty(home):
    assert sanitise_rich_text("") == ""
    assert sanitise_rich_text(None) is None


def test_heading_and_labels_are_escaped(home):
    appeal = AppealFactory(
        heading="<script>alert(1)</script>Support us",
        cta_label='"><img src=x onerror=alert(2)>',
        secondary_label="<b onclick=alert(3)>other ways</b>",
    )
    html = render_appeal(appeal, snapshot(), position="end")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Support us" in html
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<b onclick" not in lowered


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_unsafe_link_targets_set_in_code_never_render(home, url):
    appeal = AppealFactory()
    # Set in code, past the form's URL validation.
    Appeal.objects.filter(pk=appeal.pk).update(cta_url=url, secondary_url=url)
    appeal = Appeal.objects.get(pk=appeal.pk)
    html = render_appeal(appeal, snapshot(), position="end").lower()
    assert "javascript:" not in html
    assert "vbscript:" not in html
    assert "data:text/html" not in html
    # It falls back to the settings' targets.
    assert 'href="/support/?appeal=' in html
    assert 'href="/support/#other-ways"' in html


def test_unsafe_settings_links_set_in_code_never_render(home):
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.cta_url = "javascript:alert(1)"
    settings.other_ways_url = "javascript:alert(2)"
    settings.save()
    appeal = AppealFactory()
    html = render_appeal(appeal, snapshot(), position="end").lower()
    assert "javascript:" not in html
    assert 'href="/?appeal=' in html
    assert "patron-appeal__secondary" not in html
