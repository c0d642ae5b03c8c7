"""Light Markdown for chat messages: emphasis, code, links, lists, quotes and line breaks.

markdown-it-py renders (raw HTML escaped, headings, images and tables switched off, bare URLs
linked by linkify-it-py); nh3 keeps a short list of tags and makes every link open in a new tab
with ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {"a", "blockquote", "br", "code", "del", "em", "li", "ol", "p", "pre", "s", "strong", "ul"}
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_PARSER = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    .enable(["linkify", "strikethrough"])
    .disable(["heading", "lheading", "image", "hr", "html_block", "html_inline", "reference"])
)


@lru_cache(maxsize=2048)
def render_message(source: str) -> str:
    """Render a chat message to HTML that is safe to insert into a page.

    Cached: a new message is rendered for its broadcast and its ack, and pages repeat.
    """
    return nh3.clean(
        _PARSER.render(source),
        tags=set(TAGS),
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    ).strip()
