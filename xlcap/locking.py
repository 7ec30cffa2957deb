"""One xlcap run at a time per month folder: an OS file lock that `report` and `send` both hold.

The lock is the operating system's (flock/LockFileEx through `filelock`), so it is released when
the process ends, however it ends: a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from xlcap.errors import BusyError, OutputWriteError

LOCK_NAME = ".xlcap.lock"


@contextmanager
def folder_lock(folder: Path, what: str) -> Iterator[None]:
    """Hold `folder`'s lock for the block; BusyError at once when another run holds it (we refuse, never wait)."""
    path = Path(folder) / LOCK_NAME
    try:
        lock = FileLock(path, timeout=0)
        lock.acquire()
    except Timeout:
        raise BusyError(
            f"Another xlcap run is using {folder} (lock {path} is held); nothing was done for {what}. "
            "Wait for it to finish, then run this again."
        ) from None
    except OSError as exc:
        raise OutputWriteError(
            f"Cannot create the lock file {path}: {exc.strerror}. Check that {folder} is a writable folder."
        ) from None
    try:
        yield
    finally:
        lock.release()
