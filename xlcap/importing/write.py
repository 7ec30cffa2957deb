"""An imported amendment written as a new data file, `amendment-NNN.toml`, beside a copy of the filed document.

The file has the form of the reviewed `amendment-012.toml` (one `[[portfolio]]` per row, rates as
the contract writes them, tiers aligned) so a person reviews it in a diff. Nothing on file is ever
overwritten, and a file that would not load with the rest of the data is removed again.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from xlcap.agreements.datafiles import load_history
from xlcap.agreements.limits import limit_data
from xlcap.agreements.schedule import History
from xlcap.errors import EXIT_USAGE, ImportRefusedError
from xlcap.importing.imported import ImportedAmendment, ImportedRow

_HEADER = """\
# {title},
# as read by `xlcap import` from the filed document {source} beside this file.
# Review it against that document before relying on it: every `limit_text` is
# copied from it exactly (wrapped lines joined by one space) and `source_lines`
# points at the lines it came from.
#
# Rates are written as in the contract ("0.80%"). Tier bands are [from, to):
# each rate applies only to the slice of average daily net assets inside its band.
# `term_end` is the last day the limitation is in force (inclusive).
"""


def write_amendment(imported: ImportedAmendment, data_dir: Path, history: History | None) -> tuple[Path, Path]:
    """Write the data file and the filed document into `data_dir`; ImportRefusedError when it must not be written."""
    if unresolved := imported.unresolved:
        raise ImportRefusedError(  # an input problem (exit 2), like the same refusal without --write
            f"Not written: {len(unresolved)} problem{'s' if len(unresolved) > 1 else ''} in {imported.document.path} "
            "without a recorded interpretation. Record one for each row with --interpretations FILE.",
            exit_code=EXIT_USAGE,
        )
    on_file = [a for a in history.amendments if a.number == imported.number or a.date == imported.date] if history else []
    if on_file:
        raise ImportRefusedError(
            f"Not written: {on_file[0].label} is already on file; xlcap never replaces an amendment on file."
        )
    stem = f"amendment-{imported.number:03d}"
    toml_path, source_path = data_dir / f"{stem}.toml", data_dir / f"{stem}{imported.document.suffix}"
    created: list[Path] = []
    try:
        for path, data in (
            (source_path, imported.document.data),
            (toml_path, amendment_toml(imported, source_path.name).encode()),
        ):
            with path.open("xb") as f:  # exclusive: never overwrite, even if a file appeared since the check
                created.append(path)
                f.write(data)
        load_history(data_dir)  # the new file must load with the rest of the data
    except FileExistsError as exc:
        _remove(created)
        raise ImportRefusedError(f"Not written: {exc.filename} already exists; xlcap never overwrites a data file.") from None
    except BaseException:
        _remove(created)
        raise
    return toml_path, source_path


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def amendment_toml(imported: ImportedAmendment, source_file: str) -> str:
    """The data file text; every value is read back by `xlcap.agreements.datafiles.load_amendment`."""
    h = imported.header
    assert h.manager and h.trust and h.agreement  # absent ones are unresolved problems, refused before this
    dates = [d.isoformat() for d in h.prior_amendment_dates]
    lines = [
        _HEADER.format(title=h.title, source=source_file),
        f"amendment = {h.number}",
        f"date = {h.date.isoformat()}",
        f"title = {_str(h.title)}",
        f"manager = {_str(h.manager)}",
        f"trust = {_str(h.trust)}",
        f"agreement = {_str(h.agreement)}",
        "prior_amendment_dates = ["
        + "".join(f"\n  {', '.join(dates[i : i + 6])}," for i in range(0, len(dates), 6))
        + ("\n]" if dates else "]"),
        f"new_portfolios = [{', '.join(_str(n) for n in h.new_portfolios)}]",
        f"source_file = {_str(source_file)}",
        f'source_sha256 = "{imported.document.sha256}"',
        'term_clause = """\n' + " \\\n".join(_escape(line) for line in _wrap(imported.term_clause)) + '"""',
    ]
    for row in imported.rows:
        lines.append("")
        lines.extend(_row(row))
    return "\n".join(lines) + "\n"


def _wrap(text: str) -> list[str]:
    # Only at spaces: each line ends in " \\" (a TOML line continuation), which must give back exactly one space.
    return textwrap.wrap(text, 79, break_on_hyphens=False, break_long_words=False)


def _row(row: ImportedRow) -> list[str]:
    assert row.limit is not None and row.term is not None  # unread ones are unresolved problems, refused before this
    out = [
        "[[portfolio]]",
        f"name = {_str(row.portfolio)}",
        *([] if row.share_classes is None else [f"share_classes = [{', '.join(_str(c) for c in row.share_classes)}]"]),
        f"limit_text = {_str(row.limit_text)}",
        f"source_lines = [{row.source_lines[0]}, {row.source_lines[1]}]",
    ]
    data = limit_data(row.limit)  # the kind's own data form; a list of bands is written as a table below
    if "tiers" not in data:
        fields = ", ".join(f"{k} = {_str(v)}" for k, v in data.items())
        out.append(f"limit = {{ {fields} }}")
    out.append("permanent = true" if row.permanent else f"term_end = {row.term_end.isoformat() if row.term_end else ''}")
    if row.new_portfolio:
        out.append("new_portfolio = true")
    if "tiers" in data:
        out += ["", "[portfolio.limit]", f"kind = {_str(data['kind'])}", "tiers = [", *_tiers(data["tiers"]), "]"]
    if row.interpretation is not None:
        i = row.interpretation
        out += ["", "[portfolio.interpretation]", f"reading = {_str(i.reading)}", f"note = {_str(i.note)}"]
        out.append(f"authority = {_str(i.authority)}")
        if i.literal_reading:
            out.append(f"literal_reading = {_str(i.literal_reading)}")
        if i.literal is not None:
            literal = limit_data(i.literal)
            out += ["", "[portfolio.interpretation.literal_limit]", f"kind = {_str(literal['kind'])}"]
            out += ["tiers = [", *_tiers(literal["tiers"]), "]"] if "tiers" in literal else [f"rate = {_str(literal['rate'])}"]
    return out


def _tiers(tiers: list[dict[str, Any]]) -> list[str]:
    """One inline table per tier, columns aligned, amounts with underscores: reviewable at a glance."""
    froms = [f"{t['from']:_}," for t in tiers]
    tos = [f"to = {t['to']:_}," if t["to"] is not None else "" for t in tiers]
    wf, wt = max(map(len, froms)) + 1, max(map(len, tos)) + 1
    return [f"  {{ from = {f:<{wf}}{to:<{wt}}rate = {_str(t['rate'])} }}," for f, to, t in zip(froms, tos, tiers, strict=True)]


def _escape(text: str) -> str:
    """Escape text for a TOML basic string: backslash, quote and control characters."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(c if c == "\t" or (ord(c) >= 0x20 and ord(c) != 0x7F) else f"\\u{ord(c):04X}" for c in out)


def _str(text: str) -> str:
    return f'"{_escape(text)}"'
