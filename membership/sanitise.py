"""Sanitising rich text that did not come through the editor.

Wagtail's |richtext filter expands links but does not sanitise, and text created in code
(an import, a shell, a fixture) never passed through Draftail's whitelist.
"""

from wagtail.whitelist import DEFAULT_ELEMENT_RULES, Whitelister, attribute_rule, check_url

# Elements removed with their content: their text is code, not prose.
DROPPED_ELEMENTS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


class RichTextWhitelister(Whitelister):
    element_rules = {
        **{
            name: rule
            for name, rule in DEFAULT_ELEMENT_RULES.items()
            if name not in {"img", "div", "h1", "hr"}
        },
        # Wagtail's database format links pages and documents by linktype and id.
        "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_ELEMENTS:
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


def sanitise_rich_text(html):
    if not html:
        return html
    return RichTextWhitelister().clean(html)
