"""Entry bodies: Markdown (CommonMark) to safe HTML. Raw HTML is shown as text."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import escape


def printed_url(url: str) -> str:
    """A web address as printed: no scheme, no trailing slash (mailto: -> the address)."""
    return re.sub(r"^(https?://(www\.)?|mailto:)", "", url).rstrip("/")


# In right-to-left text a web address or a piece of code is a left-to-right run whose
# punctuation the bidi algorithm would move about: it is set between LEFT-TO-RIGHT
# ISOLATE and POP DIRECTIONAL ISOLATE (WeasyPrint 70 ignores CSS unicode-bidi; Pango
# honours the characters, which draw nothing).
LRI, PDI = "\u2066", "\u2069"
_ADDRESS = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>\u2066\u2069]+[^\s<>.,;:!?)\u2066\u2069]")


def isolated(text: str) -> str:
    """`text` as a left-to-right run isolated from the text round it. A LEFT-TO-RIGHT
    MARK inside each end keeps its order when the line breaks at one of its ends
    (WeasyPrint sets the continuation of a broken line without the opening isolate; a
    break inside an address still reorders that line's part)."""
    return f"{LRI}\u200e{text}\u200e{PDI}"


def _isolate_runs(tokens) -> None:
    for token in tokens:
        if token.type == "inline":
            _isolate_runs(token.children or [])
        elif token.type == "text":
            token.content = _ADDRESS.sub(lambda match: isolated(match[0]), token.content)
        elif token.type == "code_inline":
            token.content = isolated(token.content)


@cache
def _markdown(printed_links: bool, quotes: tuple[str, ...] = ("“", "”", "‘", "’")) -> MarkdownIt:
    # html=False: raw HTML in a body is escaped and shown as text, never passed on as markup.
    # Images belong in the entry's `image` field, where they are checked and credited.
    # Straight quotes become the language's own (labels.quotes).
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": list(quotes)}).enable(
        ["replacements", "smartquotes"]).disable("image")
    if printed_links:
        # On paper a link is its words followed by its address, and no annotation.
        def link_open(self, tokens, index, options, env):
            env.setdefault("links", []).append(tokens[index].attrGet("href") or "")
            return '<span class="link">'

        def link_close(self, tokens, index, options, env):
            url = printed_url(env["links"].pop())
            return f'</span> <span class="url">{escape(isolated(url) if env.get("rtl") else url)}</span>'

        md.add_render_rule("link_open", link_open)
        md.add_render_rule("link_close", link_close)
    return md


def markdown_to_html(text: str, printed_links: bool = False, quotes: tuple[str, ...] = ("“", "”", "‘", "’"),
                     rtl: bool = False) -> str:
    """The body as HTML; `quotes` are the language's (labels.quotes), `rtl` isolates
    addresses and code in right-to-left text."""
    md = _markdown(printed_links, quotes)
    tokens = md.parse(text)
    if rtl:
        _isolate_runs(tokens)
    for token in tokens:
        # The item title is the <h2>: headings inside a body start below it.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    return md.renderer.render(tokens, md.options, {"rtl": rtl})
