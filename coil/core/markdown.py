"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only a small set of tags.

No Flask import: the same function serves spaces, reflections, exports and tests. Raw HTML in
the source is escaped by markdown-it (``html=False``) and, should anything slip through, dropped
by nh3.
Images are left out on purpose: an external image would tell its host who read the notes.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# A parser configuration, not per-request state; rendering creates its own state each call.
_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(source: str) -> Markup:
    """Render Markdown ``source`` to HTML that is safe to insert into a page (as ``Markup``)."""
    clean = nh3.clean(
        _PARSER.render(source),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 (nh3 kept only the tags and attributes listed above)
