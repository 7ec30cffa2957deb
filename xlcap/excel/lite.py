"""xlwings Lite without hosting: one main.py holding udfs.py and the xlcap package itself.

xlwings Lite runs the code of its editor's main.py in Pyodide and installs requirements.txt from
PyPI. xlcap is not on PyPI, and Lite installs a wheel from elsewhere only from a host that sends
CORS headers, so the package travels inside main.py: a zip, base64-encoded, unpacked at import
into the in-browser file system and put on sys.path. Lite runs main.py with exec() as module
`main` (no __file__), so the loader needs nothing but the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import xlcap
from xlcap.agreements.datafiles import data_folder
from xlcap.errors import InvalidInputError, OutputExistsError, OutputWriteError

PACKAGE_DIR = Path(xlcap.__file__).parent
UDFS_NAME = "udfs.py"
# What Lite must install: xlwings for the decorators, NumPy and pandas (Lite ships both) for ranges.
REQUIREMENTS = "xlwings>=0.33\nnumpy\npandas\n"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same sources always give the same main.py

_LOADER = '''\
import base64 as _b64, io as _io, os as _os, sys as _sys, tempfile as _tempfile, zipfile as _zipfile

_XLCAP_ZIP = """
{payload}
"""


def _load_xlcap(digest="{digest}"):
    """Unpack the embedded xlcap once per version; forget an older one Lite imported before."""
    home = _os.path.join(_tempfile.gettempdir(), "xlcap-" + digest)
    if not _os.path.isdir(home):
        with _zipfile.ZipFile(_io.BytesIO(_b64.b64decode(_XLCAP_ZIP))) as archive:
            archive.extractall(home + ".part")
        _os.replace(home + ".part", home)
    for name in [m for m in _sys.modules if m == "xlcap" or m.startswith("xlcap.")]:
        if not (getattr(_sys.modules[name], "__file__", None) or "").startswith(home):
            del _sys.modules[name]
    if home not in _sys.path:
        _sys.path.insert(0, home)


_load_xlcap()
'''


def package_files(package_dir: Path = PACKAGE_DIR, data_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(name in the zip, file) for xlcap's modules and the agreement data in use (XLCAP_DATA, else the bundled).

    Lite has no XLCAP_DATA: an administrator's own folder is embedded as the package's data, so
    the functions in Lite answer from the same agreements as the desktop.
    """
    data_dir = data_folder() if data_dir is None else data_dir
    modules = [p for pattern in ("**/*.py", "py.typed") for p in package_dir.glob(pattern) if "__pycache__" not in p.parts]
    # Every file of the data folder, and of each agreement's subfolder where it holds several agreements.
    data = [
        p
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
    ]
    named = [(p.relative_to(package_dir).as_posix(), p) for p in modules]
    named += [(f"data/{p.relative_to(data_dir).as_posix()}", p) for p in data]
    return sorted(named)


def _zip(package_dir: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in package_files(package_dir):
            info = zipfile.ZipInfo(f"xlcap/{name}", _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def build_main(udfs_source: str, package_dir: Path = PACKAGE_DIR) -> str:
    """The text of Lite's main.py: a header, the embedded package and its loader, then udfs.py unchanged."""
    archive = _zip(package_dir)
    digest = hashlib.sha256(archive).hexdigest()[:16]
    payload = "\n".join(textwrap.wrap(base64.b64encode(archive).decode("ascii"), 100))
    header = (
        f'"""xlcap {metadata.version("xlcap")} for xlwings Lite, written by `xlcap excel lite` (package {digest}).\n\n'
        "Paste this whole file into xlwings Lite's main.py, and requirements.txt beside it into Lite's\n"
        "requirements.txt; then restart xlwings Lite. The block below is the xlcap package (a zip); below\n"
        "it, xlcap's udfs.py. Do not edit: run the command again for a newer xlcap.\n"
        '"""\n\n'
    )
    return header + _LOADER.format(payload=payload, digest=digest) + "\n# ---- udfs.py ----\n" + udfs_source


def find_udfs() -> Path:
    """udfs.py beside the package (a checkout, an editable install), else in the current folder."""
    for path in (PACKAGE_DIR.parent / UDFS_NAME, Path.cwd() / UDFS_NAME):
        if path.is_file():
            return path
    raise InvalidInputError(
        f"Cannot find {UDFS_NAME} beside the xlcap package ({PACKAGE_DIR.parent}) or in the current folder. "
        "Valid: run this in the xlcap folder, the one holding udfs.py."
    )


def write_lite(out: Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write main.py and requirements.txt into `out`; refuse to replace them without force."""
    main_text = build_main(find_udfs().read_text(encoding="utf-8"))
    targets = {out / "main.py": main_text, out / "requirements.txt": REQUIREMENTS}
    existing = [p.name for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError(
            f"{', '.join(existing)} already in {out}. Valid: another --out folder, or --force to replace them."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, text in targets.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=out)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputWriteError(f"Cannot write the xlwings Lite files to {out}: {exc.strerror or exc}.") from None
    return out / "main.py", out / "requirements.txt"
