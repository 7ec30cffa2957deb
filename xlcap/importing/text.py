"""A filed amendment as read from disk: guarded reading, then prose paragraphs and Schedule A rows.

Plain text is the EDGAR fixed-width form: a two-column table under a "Name of Portfolio" header,
dashed rules between rows, cells wrapping over several lines, `<PAGE>` markers. HTML filings go
through `xlcap.importing.html` into the same `Segments` (`xlcap.importing.imported.segment` picks
the reader, so neither module imports the other). Line numbers are 1-based lines of the filed
file, so every problem can point at the text it is about.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from xlcap.errors import DocumentError

MAX_BYTES = 4 * 2**20  # a filed amendment is tens of kilobytes; refuse whole submissions and junk early
MAX_PARAGRAPH = 50_000  # characters; real ones are under 2,000, and the prose patterns need not scale past this
_MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP archive (a Word or Excel file?)", b"\xd0\xcf\x11\xe0": "an Office document"}
_HTML = re.compile(r"<\s*(?:html|body|table|p|div|font|tr|td|br|center|h[1-6])\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_HEADER = re.compile(r"name\s+of\s+(?:the\s+)?(?:portfolio|series|fund)s?\b", re.IGNORECASE)
BANDS_HEADING = re.compile(r"\baverage\s+daily\b|\bnet\s+assets\b|\bbreakpoints?\b|\basset\s+levels?\b", re.IGNORECASE)
LIMIT_HEADING = re.compile(r"(?:operating\s+)?expense\s+limit|\blimit\b", re.IGNORECASE)
# Page furniture repeated inside a table: page markers and numbers, the column headings again.
FURNITURE = re.compile(
    r"\s*(?:<page>|-?\s*[0-9]+\s*-?|[a-z]-[0-9]+|page\s+[0-9]+(?:\s+of\s+[0-9]+)?|"
    r"(?:(?:name\s+of\s+(?:the\s+)?(?:portfolio|series|fund)s?|maximum\s+annual|operating\s+expense\s+limits?|"
    r"schedule\s+a|\(continued\)|amendment\s+no\.\s*[0-9]+)\s*)+)\s*",
    re.IGNORECASE,
)
_CLASS_HEADING = re.compile(r"\b(?:share\s+)?class(?:es)?\b", re.IGNORECASE)
_RULE = re.compile(r"\s*-{3,}(?:\s+-{3,})*\s*")
_DASHES = re.compile(r"-{3,}")


@dataclass(frozen=True, slots=True)
class FiledDocument:
    """The bytes of a filed amendment, their hash, and their text."""

    path: Path
    data: bytes
    sha256: str
    text: str
    is_html: bool

    @property
    def suffix(self) -> str:
        return ".htm" if self.is_html else ".txt"


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell's text, its wrapped lines joined by one space, and where each line begins."""

    text: str
    marks: tuple[tuple[int, int], ...]  # (offset in text, line in the file), ascending

    @classmethod
    def join(cls, pieces: list[tuple[int, str]]) -> Cell:
        text, marks = "", []
        for line, piece in pieces:
            text += " " if text else ""
            marks.append((len(text), line))
            text += piece
        return cls(text, tuple(marks))

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right([m[0] for m in self.marks], offset) - 1
        return self.marks[max(i, 0)][1]

    def __add__(self, other: Cell) -> Cell:
        if not self.text:
            return other
        shift = len(self.text) + 1
        return Cell(f"{self.text} {other.text}", self.marks + tuple((o + shift, ln) for o, ln in other.marks))


@dataclass(frozen=True, slots=True)
class RawRow:
    """One Schedule A row as laid out, before its limit is read; `layout` says what is wrong with the layout."""

    name: Cell
    limit: Cell
    lines: tuple[int, int]
    layout: str | None = None
    classes: Cell | None = None  # the "Share Class" cell, in a table that has that column


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class Segments:
    """The prose paragraphs (outside Schedule A) and the Schedule A rows of a filed document."""

    paragraphs: tuple[Paragraph, ...]
    rows: tuple[RawRow, ...]
    table_line: int
    class_column: int | None = None  # the line of a "Share Class" column heading: limits per class group


def read_filed(path: Path) -> FiledDocument:
    """Read a filed amendment, refusing what cannot be one (missing, huge, empty, binary) with the reason."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # bounded: a device or a growing file cannot make us read forever
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(data) > MAX_BYTES:
        raise DocumentError(
            f"{path}: larger than {MAX_BYTES:,} bytes, too large for a filed amendment; give the amendment's own document."
        )
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(f"{path}: is {kind}, not text or HTML; give the filing's .txt or .htm document.")
    text = _decode(data)
    if text is None or b"\x00" in data or len(_CONTROL.findall(text)) > len(text) // 100:
        raise DocumentError(f"{path}: is a binary file, not text or HTML; give the filing's .txt or .htm document.")
    if not text.strip():
        raise DocumentError(f"{path}: is empty; give the filed amendment as text or HTML.")
    return FiledDocument(path, data, hashlib.sha256(data).hexdigest(), text, bool(_HTML.search(text)))


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):  # older EDGAR filings are Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def check_segments(document: FiledDocument, segments: Segments) -> Segments:
    """The segments of a document, once they are known to hold rows and no paragraph too long to be prose."""
    if not segments.rows:
        raise DocumentError(f"{document.path}: the Schedule A table at line {segments.table_line} has no rows.")
    if long := next((p for p in segments.paragraphs if len(p.text) > MAX_PARAGRAPH), None):
        raise DocumentError(
            f"{document.path}: line {long.line}: a paragraph of {len(long.text):,} characters, longer than any in a filed "
            f"amendment (at most {MAX_PARAGRAPH:,})."
        )
    return segments


def names_classes(text: str) -> bool:
    """Whether a heading names a share class column ("Share Class", "Classes")."""
    return _CLASS_HEADING.search(text) is not None


def is_header(text: str) -> bool:
    """Whether a line or cell begins with the name column's heading ("Name of Portfolio"); prose may say it too."""
    return _HEADER.match(text.strip()) is not None


def no_table(document: FiledDocument) -> DocumentError:
    return DocumentError(f'{document.path}: no Schedule A table found (no line names the "Name of Portfolio" column).')


def segment_text(document: FiledDocument) -> Segments:
    """The prose paragraphs and Schedule A rows of a fixed-width text filing; HTML goes through amendment_html."""
    lines = [line.rstrip("\r").replace("\f", " ") for line in document.text.split("\n")]
    header = next((i for i, line in enumerate(lines) if is_header(line)), None)
    if header is None:
        raise no_table(document)
    found = _limit_column(lines, header)
    if found is None:
        raise DocumentError(f"{document.path}: line {header + 1}: the Schedule A header names no limit column.")
    column, start = found
    rules = [i for i in range(start, len(lines)) if _RULE.fullmatch(lines[i])]
    end = rules[-1] if rules else len(lines)
    rows = _rows(lines, start, end, column)
    prose = [*range(0, header), *range(end + 1, len(lines))]
    classes = next((i + 1 for i in range(max(header - 2, 0), start) if names_classes(lines[i])), None)
    if classes is not None:
        rows = [_class_cell(row) for row in rows]
    return Segments(_paragraphs(lines, prose), tuple(rows), header + 1, classes)


def _class_cell(row: RawRow) -> RawRow:
    """In a table with a "Share Class" column the limit cell begins with the classes, a wide gap before the rate."""
    match = re.match(r"(\S.*?)\s{2,}(\S.*)$", row.limit.text)
    if match is None:
        return replace(row, layout=row.layout or f'no share class beside the limit "{row.limit.text}"')
    at = match.start(2)
    classes = Cell(match[1], row.limit.marks[:1])
    limit = Cell(match[2], ((0, row.limit.line_at(at)), *((o - at, ln) for o, ln in row.limit.marks if o > at)))
    return replace(row, limit=limit, classes=classes)


def _limit_column(lines: list[str], header: int) -> tuple[int, int] | None:
    """Where the limit column starts, and the first line of the table body.

    The dashed rule under the header marks the columns exactly; without one, the heading's position does.
    """
    for i in range(header + 1, min(header + 4, len(lines))):
        runs = [m.start() for m in _DASHES.finditer(lines[i])]
        if _RULE.fullmatch(lines[i]) and len(runs) >= 2:
            return runs[1], i + 1
    heading = LIMIT_HEADING.search(lines[header])
    if heading is None:
        return None
    # A column of asset bands before the limit column ("Average Daily Net Assets"): its text belongs to the limit.
    name_end = _HEADER.match(lines[header].strip())
    after = len(lines[header]) - len(lines[header].lstrip()) + (name_end.end() if name_end else 0)
    bands = [m.start() for line in lines[max(header - 1, 0) : header + 1] for m in BANDS_HEADING.finditer(line)]
    return min([b for b in bands if after <= b < heading.start()], default=heading.start()), header + 1


def _rows(lines: list[str], start: int, end: int, column: int) -> list[RawRow]:
    """Rows are blocks of lines between rules (or blank lines); a block with no name continues the row above
    it across a page break, unless a rule stands between them."""
    blocks: list[tuple[list[int], bool]] = []
    current: list[int] = []
    after_rule = True
    for i in range(start, end):
        line = lines[i]
        is_rule = bool(_RULE.fullmatch(line))
        if is_rule or not line.strip() or _furniture(line, column):
            if current:
                blocks.append((current, after_rule))
                current, after_rule = [], False
            after_rule = after_rule or is_rule
            continue
        current.append(i)
    if current:
        blocks.append((current, after_rule))
    rows: list[RawRow] = []
    for block, ruled in blocks:
        cells = [_split(lines[i], column) for i in block]
        name = Cell.join([(i + 1, a) for i, (a, _) in zip(block, cells, strict=True) if a])
        limit = Cell.join([(i + 1, b) for i, (_, b) in zip(block, cells, strict=True) if b])
        crossing = [i for i in block if " " not in lines[i][column - 1 : column + 1].ljust(2)]
        layout = None
        if crossing:
            layout = f'text runs across the column boundary at line {crossing[0] + 1}: "{lines[crossing[0]].strip()}"'
        if not name.text and rows and not ruled:
            last = rows[-1]
            rows[-1] = RawRow(last.name, last.limit + limit, (last.lines[0], block[-1] + 1), last.layout or layout)
            continue
        if not name.text:
            layout = layout or f'limit text with no portfolio name beside it: "{limit.text}"'
        rows.append(RawRow(name, limit, (block[0] + 1, block[-1] + 1), layout))
    return rows


def _furniture(line: str, column: int) -> bool:
    """Page markers and repeated headings; a bare number only when centred like a page number, since one
    standing at a column's edge is a wrapped cell ("2008") and must not be dropped."""
    if not FURNITURE.fullmatch(line):
        return False
    indent = len(line) - len(line.lstrip())
    return not line.strip()[0].isdigit() or indent not in (0, column)


def _split(line: str, column: int) -> tuple[str, str]:
    """A line's name and limit cells; a line whose text crosses the column boundary splits at its widest gap
    instead, so the row it belongs to can still be named in the problem it raises."""
    if " " in line[column - 1 : column + 1].ljust(2):
        return line[:column].strip(), line[column:].strip()
    gaps = list(re.finditer(r"\s{2,}", line.strip()))
    if not gaps:
        return line.strip(), ""
    widest = max(gaps, key=lambda m: m.end() - m.start())
    return line.strip()[: widest.start()], line.strip()[widest.end() :]


def _paragraphs(lines: list[str], indexes: list[int]) -> tuple[Paragraph, ...]:
    """Runs of consecutive non-blank lines, joined by one space; page markers end a paragraph."""
    out: list[Paragraph] = []
    pieces: list[tuple[int, str]] = []
    previous = -2
    for i in indexes:
        text = lines[i].strip()
        ends = not text or text.lower() == "<page>"
        if pieces and (ends or i != previous + 1):
            out.append(Paragraph(" ".join(p for _, p in pieces), pieces[0][0]))
            pieces = []
        if not ends:
            pieces.append((i + 1, text))
        previous = i
    if pieces:
        out.append(Paragraph(" ".join(p for _, p in pieces), pieces[0][0]))
    return tuple(out)
