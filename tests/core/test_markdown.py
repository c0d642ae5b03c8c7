"""The Markdown renderer alone: no app, only what may reach a page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from coil.core.markdown import render_markdown


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://e.org" target="_blank" onclick="x()">y</a>',
        "<iframe src=https://e.org></iframe>",
        "![tracker](https://e.org/pixel.png)",
    ],
)
def test_nothing_active_passes(source):
    for tag, attrs in tags_of(render_markdown(source)):
        assert tag in {"p", "a"}
        assert set(attrs) <= {"href", "rel"}
        assert (attrs.get("href") or "https:").startswith(("https:", "http:", "mailto:"))


def test_ordinary_markdown_survives():
    html = render_markdown("## Plan\n\n- **one**\n- [two](https://e.org)\n\n| a |\n|---|\n| 1 |")
    assert "<h2>Plan</h2>" in html and "<strong>one</strong>" in html
    assert '<a href="https://e.org" rel="noopener noreferrer nofollow">two</a>' in html
    assert "<table>" in html and "<td>1</td>" in html
