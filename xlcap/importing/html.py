"""HTML filings (EDGAR .htm) read into the same Segments as the fixed-width text, with stdlib html.parser.

Whitespace collapses as a browser would show it; each piece of text keeps the line of the
filed HTML it came from. Active content (scripts, frames, event handlers) is refused outright:
EDGAR does not accept it in a filing, so a document carrying it is not the filed amendment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from xlcap.errors import DocumentError
from xlcap.importing.text import (
    BANDS_HEADING,
    FURNITURE,
    LIMIT_HEADING,
    Cell,
    FiledDocument,
    Paragraph,
    RawRow,
    Segments,
    is_header,
    names_classes,
    no_table,
)

_ACTIVE = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet"})
_HIDDEN = frozenset({"head", "title", "style", "noscript"})
_BREAKS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "center", "blockquote", "pre", "hr", "dt", "dd"})
_SPACE = re.compile(r"\s+")


class _TextBuilder:
    """Accumulates text as a browser shows it (whitespace collapsed), remembering the line of each piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []  # joined once at the end: repeated += on a long cell is quadratic
        self.length = 0
        self.ends_in_space = True  # nothing yet: leading whitespace is dropped
        self.marks: list[tuple[int, int]] = []

    def add(self, line: int, raw: str) -> None:
        for n, segment in enumerate(raw.split("\n")):
            piece = _SPACE.sub(" ", segment.replace("\xa0", " "))
            if n:  # a newline in the source is a space
                piece = " " + piece
            if piece.startswith(" ") and self.ends_in_space:
                piece = piece.lstrip(" ")
            if not piece:
                continue
            if piece.strip():
                self.marks.append((self.length + len(piece) - len(piece.lstrip(" ")), line + n))
            self.parts.append(piece)
            self.length += len(piece)
            self.ends_in_space = piece.endswith(" ")

    def cell(self) -> Cell:
        return Cell("".join(self.parts).rstrip(" "), tuple(self.marks))


@dataclass
class _Table:
    rows: list[list[Cell]] = field(default_factory=list)
    cell: _TextBuilder | None = None
    span: int = 1


class _Reader(HTMLParser):
    def __init__(self, document: FiledDocument) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraphs: list[Paragraph] = []
        self.paragraph = _TextBuilder()
        self.tables: list[_Table] = []
        self.schedule: tuple[int, list[list[Cell]]] | None = None
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        active = [
            name for name, value in attrs if name.startswith("on") or (value or "").strip().lower().startswith("javascript:")
        ]
        if tag in _ACTIVE or active:
            what = f"<{tag}>" if tag in _ACTIVE else f'the attribute "{active[0]}" of <{tag}>'
            raise DocumentError(
                f"{self.document.path}: line {line}: {what} is active content, which a filed amendment never has; "
                "refusing to read it."
            )
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "table":
            self._end_paragraph()
            self.tables.append(_Table())
        elif self.tables and tag == "tr":
            self.tables[-1].rows.append([])
        elif self.tables and tag in ("td", "th"):
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            table.cell = _TextBuilder()
            span = dict(attrs).get("colspan") or "1"
            table.span = int(span) if span.isdigit() and 0 < int(span) < 100 else 1
        elif tag in _BREAKS:
            self._space_or_break(line)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/> and friends

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in ("td", "th") and self.tables:
            self._end_cell()
        elif tag == "table" and self.tables:
            self._end_cell()
            self._end_table(self.tables.pop())
        elif tag in _BREAKS:
            self._space_or_break(self.getpos()[0])

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        table = self.tables[-1] if self.tables else None
        target = table.cell if table else self.paragraph
        if target is not None:  # text between cells is layout whitespace
            target.add(self.getpos()[0], data)

    def _space_or_break(self, line: int) -> None:
        table = self.tables[-1] if self.tables else None
        if table and table.cell:
            table.cell.add(line, " ")  # a line break inside a cell is a wrapped line
        elif not table:
            self._end_paragraph()

    def _end_paragraph(self) -> None:
        cell = self.paragraph.cell()
        if cell.text:
            self.paragraphs.append(Paragraph(cell.text, cell.marks[0][1]))
        self.paragraph = _TextBuilder()

    def _end_cell(self) -> None:
        table = self.tables[-1]
        if table.cell is not None:
            cell = table.cell.cell()
            table.rows[-1].extend([cell] + [Cell("", ())] * (table.span - 1))
            table.cell = None

    def _end_table(self, table: _Table) -> None:
        header = next((i for i, row in enumerate(table.rows) if any(is_header(c.text) for c in row)), None)
        if self.schedule is None and header is not None:
            self.schedule = (header, table.rows)
            return
        for row in table.rows:  # a layout table (a signature block): its text is prose
            self.paragraphs.extend(Paragraph(c.text, c.marks[0][1]) for c in row if c.text)

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def _check_markup(document: FiledDocument) -> None:
    """Refuse markup whose tags or comments do not close, in one linear pass.

    html.parser rescans an unclosed tag to the end of the input at every "<" that follows, so a
    30 KB file of "<a <a <a ..." takes seconds; a filed amendment closes every tag it opens.
    """
    text, i = document.text, 0
    while (i := text.find("<", i)) != -1:
        if text.startswith("<!--", i):
            end, closing = text.find("-->", i + 4), "-->"
        elif i + 1 < len(text) and (text[i + 1].isalpha() or text[i + 1] in "/!?"):
            end, closing = text.find(">", i + 1), ">"
            following = text.find("<", i + 1, end if end != -1 else len(text))
            end = -1 if following != -1 else end
        else:
            i += 1  # a bare "<" in text
            continue
        if end == -1:
            line = text.count("\n", 0, i) + 1
            raise DocumentError(
                f"{document.path}: line {line}: a tag or comment opened here is not closed before the next one; "
                "the HTML is malformed."
            )
        i = end + len(closing)


def segment_html(document: FiledDocument) -> Segments:
    _check_markup(document)
    reader = _Reader(document)
    reader.feed(document.text)
    reader.close()
    if reader.schedule is None:
        raise no_table(document)
    header, table = reader.schedule
    name_col = next(i for i, c in enumerate(table[header]) if is_header(c.text))
    limit_col = next(
        (i for row in table[: header + 1] for i, c in enumerate(row) if i != name_col and LIMIT_HEADING.search(c.text)), None
    )
    first = table[header][name_col].marks[0][1]
    if limit_col is None:
        raise DocumentError(f"{document.path}: line {first}: the Schedule A header names no limit column.")
    bands = next(
        (
            i
            for row in table[: header + 1]
            for i, c in enumerate(row)
            if i not in (name_col, limit_col) and BANDS_HEADING.search(c.text)
        ),
        None,
    )
    heading = next(((c, i) for row in table[: header + 1] for i, c in enumerate(row) if c.marks and names_classes(c.text)), None)
    classes, class_col = (None, None) if heading is None else (heading[0].marks[0][1], heading[1])
    rows = _rows(table[header + 1 :], name_col, limit_col, bands, class_col)
    return Segments(tuple(reader.paragraphs), tuple(rows), first, classes)


def _rows(table: list[list[Cell]], name_col: int, limit_col: int, bands: int | None, class_col: int | None) -> list[RawRow]:
    """Rows of the Schedule A table; a column of asset bands (`bands`) reads as the start of the limit text, so
    "First $100 million" beside "0.90%" is one tier."""
    rows: list[RawRow] = []
    empty = Cell("", ())
    for cells in table:
        texts = [c for c in cells if c.text]
        if not texts or all(FURNITURE.fullmatch(c.text) for c in texts):
            continue  # spacer rows and headings repeated after a page break
        name = cells[name_col] if name_col < len(cells) else empty
        limit = cells[limit_col] if limit_col < len(cells) else empty
        if bands is not None and bands < len(cells) and cells[bands].text:
            limit = cells[bands] + limit
        lines = [ln for c in texts for _, ln in c.marks]
        stray = [c for i, c in enumerate(cells) if c.text and i not in (name_col, limit_col, bands, class_col)]
        classes = cells[class_col] if class_col is not None and class_col < len(cells) else None
        layout = f'text in a column with no heading: "{stray[0].text}"' if stray else None
        if not name.text and rows:  # the limit text went on in another <tr>
            last = rows[-1]
            rows[-1] = RawRow(last.name, last.limit + limit, (last.lines[0], max(lines)), last.layout or layout)
            continue
        if not name.text:
            layout = layout or f'limit text with no portfolio name beside it: "{limit.text}"'
        rows.append(RawRow(name, limit, (min(lines), max(lines)), layout, classes))
    return rows
