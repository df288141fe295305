"""File system edges: atomic (and verified) writes, and the lock that keeps two builds apart."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from pressgen.errors import PressgenError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never a part; a failure or an
    interrupt leaves no temporary file behind.
    """
    replace_verified(path, data)


class ChangedOnDisk(PressgenError):
    """The file changed on disk between reading it and writing it back; nothing was written."""


def replace_verified(path: Path, data: bytes, verify: Callable[[Path], None] | None = None,
                     original: bytes | None = None) -> None:
    """Replace ``path`` by ``data`` only once the new file has been checked.

    ``data`` goes to a temporary file beside ``path``; ``verify`` (which raises to
    refuse) reads that file back; with ``original``, the current content of
    ``path`` must still be those bytes, so an edit saved meanwhile by someone
    else is never overwritten. Then the temporary file is renamed into place, keeping
    the permissions of the file it replaces. On any failure ``path`` is untouched
    and no temporary file remains.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
        os.chmod(temporary, mode)
        if verify is not None:
            verify(Path(temporary))
        if original is not None and path.read_bytes() != original:
            raise ChangedOnDisk(f"{path} changed on disk while pressgen was writing it; nothing was written "
                                "(run the command again)")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class BuildLocked(PressgenError):
    """Another build holds the lock of an output folder or workspace."""


class FolderLock:
    """An exclusive, non-blocking lock on a folder, released on exit or process death.

    The lock file lives in the temporary directory, named after the folder's real
    path, so that locking an output folder writes nothing into it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        name = hashlib.sha256(str(self.folder).encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"pressgen-{os.getuid()}-{name}.lock"
        self._handle: int | None = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 32).decode(errors="replace").strip() or "?"
            os.close(handle)
            raise BuildLocked(f"another pressgen build (pid {holder}) is using {self.folder}; "
                              "wait for it to finish, then run this build again") from None
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        self._handle = handle
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
