"""The HTML a notice may hold, cleaned with nh3 (ammonia): paragraphs, headings, lists, tables, emphasis
and links (http, https, mailto). Scripts, styles, event handlers and other URL schemes are removed."""

import re
from html import unescape

import nh3

ALLOWED_TAGS = {
    "p", "br", "h3", "h4", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_notice_html(html: str) -> str:
    """``html`` as it may be shown. Plain text (no tag at all) becomes paragraphs, a line each."""
    if "<" not in html:
        from django.utils.html import escape

        html = "".join(f"<p>{escape(line.strip())}</p>" for line in html.splitlines() if line.strip())
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES).strip()


_PLAIN_PARAGRAPHS = re.compile(r"(?:<p>[^<>]*</p>)+")


def editable_notice_text(html: str) -> str:
    """What the edit form shows for a stored body: the lines a person typed when the body is only the
    paragraphs ``clean_notice_html`` made from plain text (so editing never shows them ``<p>`` markup),
    the HTML itself otherwise."""
    if not _PLAIN_PARAGRAPHS.fullmatch(html):
        return html
    return "\n".join(unescape(part) for part in re.findall(r"<p>([^<>]*)</p>", html))
