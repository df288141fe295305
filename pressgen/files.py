"""File system edges: atomic (and verified) writes, the lock of each user file, and the lock that
keeps two builds apart."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from pressgen.errors import Diagnostic, PressgenError

LOCKS_DIR = Path(".pressgen") / "locks"  # in the workspace: every process writing its files meets there
WORKSPACE_FILE = "pressgen.yaml"
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one; a save holds the lock for well under one


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never a part; a failure or an
    interrupt leaves no temporary file behind. For what pressgen generates
    (documents, manifests, its cache, exports); a file users edit goes through
    :func:`replace_verified`. Raises ``OSError``.
    """
    _replace(path, data)


class ChangedOnDisk(PressgenError):
    """The file changed on disk between reading it and writing it back; nothing was written."""


class NotWritten(PressgenError):
    """A user's file could not be written (read-only folder, full disk, its lock not to be had);
    it is untouched."""


def changed_on_disk(path: Path) -> ChangedOnDisk:
    """The error of a write-back refused because ``path`` is no longer what its writer read."""
    what = ("changed on disk since it was read (another command, program or studio page saved it "
            "meanwhile); nothing was written")
    return ChangedOnDisk(f"{path.name} {what}", [Diagnostic(
        path, 1, 1, what, "the other save is kept: read the file again and redo the change "
                          "(run the command again, or reload the page)")])


def replace_verified(path: Path, data: bytes, verify: Callable[[Path], None] | None = None,
                     original: bytes | None = None, new: bool = False) -> None:
    """Replace the user file ``path`` by ``data``, holding its lock (:func:`locked`) throughout.

    With ``original`` (the bytes its writer read), ``path`` must still be those
    bytes, so an edit saved meanwhile by someone else is never overwritten
    (:class:`ChangedOnDisk`); with ``new``, it must not exist yet. ``data``
    goes to a temporary file beside ``path`` (written and synced); ``verify``
    (which raises to refuse) reads that file back; then ``path`` is compared
    once more and the temporary file renamed into place, keeping the
    permissions of the file it replaces. The comparison and the rename are one
    step for every pressgen writer, in any process or thread, since each holds
    the lock. On any failure ``path`` is untouched and no temporary file
    remains; what the file system refuses is :class:`NotWritten`.
    """
    def still_as_read() -> None:
        if new and os.path.lexists(path):
            what = "exists already (it was created meanwhile); nothing was written"
            raise ChangedOnDisk(f"{path.name} {what}", [Diagnostic(
                path, 1, 1, what, "choose another name, or edit the existing file")])
        if original is not None:
            try:
                now = path.read_bytes()
            except FileNotFoundError:
                now = None
            if now != original:
                raise changed_on_disk(path)

    with locked(path):
        try:
            still_as_read()
            _replace(path, data, verify, still_as_read)
            _sync_folder(path.parent)
        except OSError as exc:
            raise _not_written(path, f"cannot write it: {exc.strerror or exc}",
                               "check that the folder is writable and the disk not full") from None


def _replace(path: Path, data: bytes, verify: Callable[[Path], None] | None = None,
             before_rename: Callable[[], None] | None = None) -> None:
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
        if before_rename is not None:
            before_rename()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after a save must not bring the old file back)."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the data itself is synced
    finally:
        os.close(handle)


def _not_written(path: Path, why: str, hint: str) -> NotWritten:
    return NotWritten(f"{path}: not written: {why}", [Diagnostic(path, 1, 1, f"not written: {why}", hint)])


# --- the lock of a user file ------------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """Return the lock file of the user file ``path``.

    Inside a workspace (the nearest folder at or above ``path`` holding
    pressgen.yaml) it is ``.pressgen/locks/<name>-<digest>.lock``, named after
    the path relative to the workspace, so that every process writing the file
    meets at the same lock however it reached the folder; outside one, a file
    in the temporary directory named after the real path.
    """
    folder = path.parent.resolve()
    target = folder / path.name
    root = next((p for p in (folder, *folder.parents) if (p / WORKSPACE_FILE).is_file()), None)
    if root is None:
        key, where, prefix = str(target), Path(tempfile.gettempdir()), f"pressgen-{os.getuid()}-"
    else:
        key, where, prefix = target.relative_to(root).as_posix(), root / LOCKS_DIR, ""
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = path.name.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore")  # a name has 255 bytes
    return where / f"{prefix}{name}-{digest}.lock"


class _Held:
    """One process's hold on one lock file: a re-entrant lock for its threads, the flock for the others."""

    def __init__(self) -> None:
        self.threads = threading.RLock()
        self.depth = 0
        self.handle: int | None = None


_HELD: weakref.WeakValueDictionary[Path, _Held] = weakref.WeakValueDictionary()
_HELD_GUARD = threading.Lock()


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of the user file ``path`` (see :func:`lock_path`) for the ``with`` block.

    Every writer of users' files takes it around read, compare, write and
    rename, so two writers (two studio threads, the studio and ``translate``,
    two commands) never both pass the "unchanged since read" check. It is an
    advisory ``flock``, released when the holder exits or dies; a thread may
    take it again while it holds it. Raises :class:`NotWritten` when the lock
    file cannot be created (a read-only workspace) or another writer held it
    for more than ``timeout`` seconds.
    """
    where = lock_path(path)
    with _HELD_GUARD:
        held = _HELD.get(where)
        if held is None:
            held = _HELD[where] = _Held()
    deadline = time.monotonic() + timeout
    if not held.threads.acquire(timeout=timeout):
        raise _busy(path, where, timeout)
    try:
        if held.depth == 0:
            held.handle = _flock(path, where, deadline, timeout)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.handle is not None:
                os.close(held.handle)  # closing the last descriptor releases the flock
                held.handle = None
    finally:
        held.threads.release()


def _flock(path: Path, where: Path, deadline: float, timeout: float) -> int:
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        # Read-only suffices for flock, and lets users who share a workspace share its locks.
        handle = os.open(where, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise _not_written(path, f"its lock {where} cannot be created ({exc.strerror or exc})",
                           f"pressgen keeps the locks of the files it writes in {LOCKS_DIR}/ of the workspace: "
                           "make the workspace writable") from None
    delay = 0.001
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            pass
        except OSError as exc:
            os.close(handle)
            raise _not_written(path, f"its lock {where} cannot be taken ({exc.strerror or exc})",
                               "the file system must support flock (a local disk does)") from None
        if time.monotonic() >= deadline:
            os.close(handle)
            raise _busy(path, where, timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _busy(path: Path, where: Path, timeout: float) -> NotWritten:
    return _not_written(path, f"another program kept writing it for more than {timeout:g} s (its lock is {where})",
                        "try again; if it stays busy, look for a pressgen command that hangs")


def _forget_locks_in_child() -> None:
    """A forked child holds none of its parent's locks: it closes its copies (which leaves the parent's
    flock in place) and starts with none."""
    global _HELD, _HELD_GUARD
    for held in list(_HELD.values()):
        if held.handle is not None:
            try:
                os.close(held.handle)
            except OSError:
                pass
            held.handle = None  # a with block the forking thread is in must not close it again
    _HELD = weakref.WeakValueDictionary()
    _HELD_GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_locks_in_child)


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


# --- fingerprints of content ---------------------------------------------------------------------


def digest(*parts: bytes | str) -> str:
    """Return the sha256 hex digest of the parts, each length-prefixed."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """Return the sha256 hex digest of a file's content."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- append-only logs ----------------------------------------------------------------------------------


def append_durable(path: Path, data: bytes, valid_size: int | None = None) -> None:
    """Append ``data`` (one whole record, such as a JSON line) to ``path`` and sync it to disk before returning.

    For pressgen's own append-only logs (the send log of ``mail``): a record that returned is on disk
    whatever happens next; a crash during the call leaves at most a last record cut short. With
    ``valid_size`` (where the last whole record ends, as its reader found), such a torn tail is cut
    off first, so the new record starts on a line of its own. A file just created has its folder
    entry synced too. Raises ``OSError``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if valid_size is not None and os.fstat(handle).st_size > valid_size:
            os.ftruncate(handle, valid_size)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.fsync(handle)
    finally:
        os.close(handle)
    if created:
        _sync_folder(path.parent)

# --- a folder replaced at once (pressgen publish) ------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange_folders(staging: Path, target: Path) -> bool:
    """Put the folder ``staging`` in the place of ``target`` at once; the old ``target`` ends up at ``staging``.

    On Linux this is one ``renameat2(RENAME_EXCHANGE)``: a reader sees the old folder or the new one,
    never neither and never a mix. Where the system cannot exchange (another kernel, a file system
    without it) it falls back to two renames, with a moment in which ``target`` is missing, and
    returns False; True after the atomic exchange. When ``target`` does not exist, ``staging`` is
    renamed to it. Raises ``OSError``.
    """
    if not target.exists():
        os.rename(staging, target)
        return True
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(staging), at_fdcwd, os.fsencode(target), _RENAME_EXCHANGE) == 0:
            _sync_folder(target.parent)
            return True
    aside = staging.with_name(staging.name + ".old")
    os.rename(target, aside)
    os.rename(staging, target)
    os.rename(aside, staging)
    return False
