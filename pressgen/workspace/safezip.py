"""Opening a zip package a user gives (a DOCX: review documents, reference documents) within bounds.

A DOCX is a zip of XML parts, and a zip can inflate a few kilobytes into
gigabytes (a "zip bomb") or list a hundred thousand members. A
:class:`SafeZip` refuses, before reading anything, a package with more than
:attr:`ZipLimits.members` members, one whose members declare more than
:attr:`ZipLimits.total` bytes in all or :attr:`ZipLimits.member` bytes alone,
or a large member compressed more than :attr:`ZipLimits.ratio` to 1. Reading a
member streams it and stops at the bound, whatever its header declares. Every
refusal is an :class:`InputError` positioned at the file
(``file:1:1: error: the file inflates to more than 64 MiB; refused``).
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from lxml import etree

from pressgen.errors import Diagnostic, InputError
from pressgen.workspace.safexml import parse_xml
from pressgen.workspace.yamlio import read_regular_file

MiB = 1024 * 1024
_CHUNK = 64 * 1024
# What zipfile and zlib raise for a damaged, encrypted or exotic archive.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
               RuntimeError, OSError)
PACKAGE_RELATIONSHIPS = "_rels/.rels"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on a package: inflated bytes in all and per member, members, compression ratio."""

    total: int = 64 * MiB
    member: int = 16 * MiB
    members: int = 1000
    ratio: int = 100  # inflated : compressed, judged for members of more than ``ratio_floor`` bytes
    ratio_floor: int = 1 * MiB


class SafeZip:
    """A zip package read within :class:`ZipLimits`; use :meth:`open`, and close it (or use ``with``)."""

    def __init__(self, path: Path, data: bytes, limits: ZipLimits = ZipLimits(), kind: str = "Word document") -> None:
        self.path, self.limits, self.kind = path, limits, kind
        self._read = 0  # inflated bytes read so far, for the total bound
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except _ZIP_ERRORS as exc:
            raise self.refusal(f"not a {kind} (not a zip package: {exc})") from None
        try:
            self._check_declared()
        except BaseException:
            self._zip.close()
            raise

    @classmethod
    def open(cls, path: Path, max_bytes: int, limits: ZipLimits = ZipLimits(), kind: str = "Word document") -> SafeZip:
        """Open the regular file at ``path`` (at most ``max_bytes``). Raises :class:`InputError`."""
        return cls(path, read_regular_file(path, limit=max_bytes), limits, kind)

    def refusal(self, message: str, hint: str | None = None) -> InputError:
        """The error for this package, positioned at the file."""
        return InputError(f"refused {self.kind}", [Diagnostic(self.path, 1, 1, message, hint)])

    def _check_declared(self) -> None:
        limits, infos = self.limits, self._zip.infolist()
        if len(infos) > limits.members:
            raise self.refusal(f"the package holds {len(infos)} files (at most {limits.members}); refused")
        declared = 0
        for info in infos:
            if info.file_size > limits.member:
                raise self.refusal(f"'{info.filename}' inflates to more than {limits.member // MiB} MiB; refused")
            if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise self.refusal(f"'{info.filename}' is compressed more than {limits.ratio} to 1 "
                                   f"({info.compress_size} bytes inflate to {info.file_size}); refused")
            declared += info.file_size
            if declared > limits.total:
                raise self.too_large()

    def too_large(self) -> InputError:
        return self.refusal(f"the file inflates to more than {self.limits.total // MiB} MiB; refused",
                            f"a {self.kind} a person edits is a few megabytes at most unpacked")

    def names(self) -> list[str]:
        return self._zip.namelist()

    def read(self, name: str) -> bytes:
        """Return the inflated bytes of member ``name``, streamed and cut at the bounds.

        Raises :class:`InputError` for a missing or unreadable member or one beyond the bounds.
        """
        limit = min(self.limits.member, self.limits.total - self._read)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(name) as stream:
                while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
                    size += len(chunk)
                    if size > limit:
                        raise self.too_large() if limit < self.limits.member else self.refusal(
                            f"'{name}' inflates to more than {self.limits.member // MiB} MiB; refused")
                    chunks.append(chunk)
        except KeyError:
            raise self.refusal(f"not a {self.kind}: it has no part '{name}'") from None
        except _ZIP_ERRORS as exc:
            raise self.refusal(f"'{name}' cannot be read: {exc}") from None
        self._read += size
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element:
        """Return member ``name`` parsed as XML (see :func:`pressgen.workspace.safexml.parse_xml`).

        Raises :class:`InputError` positioned at the file, naming the part and its line.
        """
        try:
            return parse_xml(self.path, self.read(name), f"{self.kind} part").getroot()
        except InputError as exc:
            raise InputError(str(exc), [dataclasses.replace(d, line=1, col=1, message=f"{name}, line {d.line}: "
                                                            f"{d.message}") for d in exc.diagnostics]) from None

    def related(self, relationship_type: str, source: str = PACKAGE_RELATIONSHIPS) -> str | None:
        """Return the member name of the first relationship of ``source`` whose type ends with ``relationship_type``.

        ``relationship_type`` is the last part of the type URI (``officeDocument``,
        ``core-properties``), so Transitional and Strict OOXML both match. External
        targets are never followed.
        """
        if source not in self._zip.NameToInfo:
            return None
        base = posixpath.dirname(posixpath.dirname(source))  # word/_rels/document.xml.rels -> word
        for relationship in self.xml(source).iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
            if relationship.get("TargetMode") == "External":
                continue
            if (relationship.get("Type") or "").rsplit("/", 1)[-1] == relationship_type:
                target = relationship.get("Target") or ""
                name = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                return posixpath.normpath(name)
        return None

    def repacked(self) -> io.BytesIO:
        """Return the package as a new zip whose every member was read within the bounds.

        For a library that opens a package itself (python-docx's ``Document``):
        what it reads is only what passed here.
        """
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in self._zip.infolist():
                if not info.is_dir():
                    copy.writestr(info.filename, self.read(info.filename))
        out.seek(0)
        return out

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
