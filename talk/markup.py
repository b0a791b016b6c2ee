"""Markdown written by the couple, rendered safely.

Raw HTML in the text is never passed through: Markdown's raw-HTML readers are
switched off, so ``<script>`` shows as text. The HTML Markdown produces is then
cleaned by nh3 (an allow-list sanitiser): no scripts, no attributes but a
link's address and title, links only to http(s) and mailto, and every link
gets ``rel="noopener nofollow noreferrer"``.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["sane_lists", "nl2br", "fenced_code"], output_format="html"
    )
    # Without these, raw HTML in the text is escaped like any other text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str) -> SafeString:
    """Returns safe HTML for the couple's markdown text."""
    html = _converter().convert(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener nofollow noreferrer",
    )
    return mark_safe(clean)  # cleaned by nh3 just above
