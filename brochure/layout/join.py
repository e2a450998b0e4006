"""One PDF from a brochure rendered in parts (see parts.py), assembled with pikepdf.

The body parts come first, in order, each with its page numbers: their pages, with
the page numbers laid over them, their share of the structure tree of a tagged file,
their named destinations and bookmarks. The front (cover and contents) comes last,
because its contents wait for every part's page count, and goes before them. Links
from one part into another were written as `goto_url` + name and are turned back
into internal links. What comes out is what a single render makes:
tests/layout/test_parts.py compares.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

# The catalogue entries merged from every part; the others are the front's.
_MERGED = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names"}


class Joiner:
    def __init__(self, goto_url: str):
        import pikepdf

        self.out = pikepdf.new()
        self.goto_url = goto_url
        self.elements: list[pikepdf.Object] = []  # the parts' structure elements, under the front's document element
        # key, value, …: keys counted from 0, moved after the front's at the end
        self.parent_tree: list[int | pikepdf.Object] = []
        self.next_key = 0
        self.destinations: dict[str, pikepdf.Object] = {}
        self.outline: list[pikepdf.OutlineItem] = []
        self.version: tuple[int, ...] = (1, 4)  # the highest of the parts' PDF versions

    def add(self, part: bytes, numbers: bytes, skip: int = 0) -> None:
        """Append a part, with the pages of `numbers` from `skip` on laid over its pages."""
        out = self.out
        source, numbered = self._open(part), self._open(numbers)
        first = len(out.pages)
        out.pages.extend(source.pages)
        pages = out.pages[first:]
        if "/StructTreeRoot" in source.Root:
            offset = self.next_key
            self.elements += list(out.copy_foreign(source.Root.StructTreeRoot.K[0]).K)
            # Copied whole: pikepdf maps the elements in it to their copies, in one go.
            own = list(out.copy_foreign(source.Root.StructTreeRoot.ParentTree).Nums)
            for index in range(0, len(own), 2):
                self.parent_tree += [int(own[index]) + offset, own[index + 1]]
            self.next_key = offset + _next_key(own)
            _move_keys(pages, offset)
        self.destinations.update((name, _copy(out, target)) for name, target in _names(source))
        if "/Outlines" in source.Root:
            with source.open_outline() as outline:
                self.outline += [_copy_outline(out, item) for item in outline.root]
        tagged = "/StructTreeRoot" in source.Root
        for index, (page, numbers_page) in enumerate(zip(pages, numbered.pages[skip:], strict=True), first):
            _lay_over(out, page, numbers_page, tagged, index)
        self._link_internally(pages)

    def finish(self, front: bytes) -> bytes:
        """Put the front before the parts and write the joined PDF."""
        import pikepdf

        out = self.out
        source = self._open(front)
        for index, page in enumerate(source.pages):
            out.pages.insert(index, page)
        front_pages = out.pages[:len(source.pages)]
        for key, value in source.Root.items():
            if key not in _MERGED:
                out.Root[key] = _copy(out, value)
        if "/Metadata" in out.Root:
            _unrandomised(out.Root.Metadata)
        if "/Info" in source.trailer:
            out.trailer.Info = out.copy_foreign(source.trailer.Info)
        if "/StructTreeRoot" in source.Root:
            tags = out.Root.StructTreeRoot = out.copy_foreign(source.Root.StructTreeRoot)
            document = tags.K[0]
            for element in self.elements:
                element.P = document
                document.K.append(element)
            own = list(tags.ParentTree.Nums)
            offset = _next_key(own)
            _move_keys(out.pages[len(source.pages):], offset)
            moved = [key + offset if index % 2 == 0 else key for index, key in enumerate(self.parent_tree)]
            tags.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array(own + moved))
            tags.ParentTreeNextKey = offset + self.next_key
        destinations = dict(_names(source))
        destinations = {name: _copy(out, target) for name, target in destinations.items()} | self.destinations
        if destinations:
            tree = pikepdf.NameTree.new(out)
            for name in sorted(destinations):
                tree[name] = destinations[name]
            out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        outline = []
        if "/Outlines" in source.Root:
            with source.open_outline() as own_outline:
                outline = [_copy_outline(out, item) for item in own_outline.root]
        with out.open_outline() as joined:
            joined.root.extend(outline + self.outline)
        self._link_internally(front_pages)
        result = io.BytesIO()
        # deterministic_id: the /ID is a digest of the content, so the same inputs still
        # give the same bytes.
        # Object streams, as WeasyPrint writes them from PDF 1.5 on (PDF/A-1 and PDF/X-1a
        # forbid them): a third smaller and faster to write.
        compact = pikepdf.ObjectStreamMode.generate if self.version >= (1, 5) else pikepdf.ObjectStreamMode.disable
        out.save(result, deterministic_id=True, min_version=".".join(map(str, self.version)),
                 object_stream_mode=compact)
        return result.getvalue()

    def _open(self, data: bytes):
        import pikepdf

        # Not kept open: what was copied from it stays readable (pikepdf keeps the
        # bytes its streams are read from), and its own objects are freed, some 35 MB
        # a part.
        pdf = pikepdf.open(io.BytesIO(data))
        self.version = max(self.version, tuple(map(int, pdf.pdf_version.split("."))))
        return pdf

    def _link_internally(self, pages) -> None:
        import pikepdf

        for page in pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and str(action.get("/URI", "")).startswith(self.goto_url):
                    name = str(action.URI)[len(self.goto_url):]
                    del annotation.A
                    annotation.Dest = pikepdf.String(name)


def _move_keys(pages, offset: int) -> None:
    """Move the structure parent keys of `pages` (and of their annotations) by `offset`."""
    if not offset:
        return
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def _copy(out, value):
    """`value` of another PDF, in `out`: indirect objects through pikepdf's copy (which
    maps pages and elements already copied to their copies), direct ones element by
    element."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(out, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(out, item) for key, item in value.items()})
    return value


def _next_key(nums) -> int:
    return max((int(nums[index]) for index in range(0, len(nums), 2)), default=-1) + 1


def _names(pdf) -> list:
    import pikepdf

    if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
        return []
    return list(pikepdf.NameTree(pdf.Root.Names.Dests).items())


def _copy_outline(out, item):
    import pikepdf

    copied = pikepdf.OutlineItem(item.title, destination=_copy(out, item.destination))
    copied.children.extend(_copy_outline(out, child) for child in item.children)
    return copied


def _lay_over(out, page, numbers_page, tagged: bool, index: int) -> None:
    """Draw the page-number page over `page` (the `index`th of the PDF), as decoration
    (an artifact) when tagged."""
    import pikepdf

    form = out.copy_foreign(numbers_page.as_form_xobject())
    # A fixed name, not pikepdf's random one, so that the same inputs give the same bytes;
    # one a page, as the pages of a part share their resources.
    taken, number = page.obj.get("/Resources", {}).get("/XObject", {}), index
    while f"/PageNumber{number}" in taken:
        number += 1
    name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/PageNumber{number}"))
    marked = (b"/Artifact BMC ", b" EMC") if tagged else (b"", b"")
    page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(out, b"Q\n" + marked[0] + f"q {name} Do Q".encode() + marked[1] + b"\n"))


def _unrandomised(metadata) -> None:
    """The front's XMP without the random xmpMM:DocumentID WeasyPrint gives PDF/X-4: the
    joined file's /ID is a digest of its content, so it would differ on every build
    (and a kept front would give another file than a new one). pdf/finish.py then
    derives the ID from the /ID, as it does for a single render."""
    import re

    xmp = metadata.read_bytes()
    fixed = re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", b"xmp.did:00000000-0000-0000-0000-000000000000", xmp)
    if fixed != xmp:
        kept = {key: metadata[key] for key in ("/Type", "/Subtype") if key in metadata}
        metadata.write(fixed)
        for key, value in kept.items():
            metadata[key] = value
