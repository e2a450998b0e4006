"""Entry bodies: Markdown (CommonMark) to safe HTML. Raw HTML is shown as text."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import escape


def printed_url(url: str) -> str:
    """A web address as printed: no scheme, no trailing slash (mailto: -> the address)."""
    return re.sub(r"^(https?://(www\.)?|mailto:)", "", url).rstrip("/")


@cache
def _markdown(printed_links: bool) -> MarkdownIt:
    # html=False: raw HTML in a body is escaped and shown as text, never passed on as markup.
    # Images belong in the entry's `image` field, where they are checked and credited.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["replacements", "smartquotes"]).disable("image")
    if printed_links:
        # On paper a link is its words followed by its address, and no annotation.
        def link_open(self, tokens, index, options, env):
            env.setdefault("links", []).append(tokens[index].attrGet("href") or "")
            return '<span class="link">'

        def link_close(self, tokens, index, options, env):
            url = escape(printed_url(env["links"].pop()))
            return f'</span> <span class="url">{url}</span>'

        md.add_render_rule("link_open", link_open)
        md.add_render_rule("link_close", link_close)
    return md


def markdown_to_html(text: str, printed_links: bool = False) -> str:
    md = _markdown(printed_links)
    tokens = md.parse(text)
    for token in tokens:
        # The item title is the <h2>: headings inside a body start below it.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    return md.renderer.render(tokens, md.options, {})
