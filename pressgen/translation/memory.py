"""The translation memory: segments translated before, by provider and language pair (SQLite in the workspace)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pressgen.errors import Diagnostic, PressgenError
from pressgen.translation.similarity import FUZZY_THRESHOLD, similarity, tokens

MEMORY_FILE = Path(".pressgen") / "translation-memory.sqlite"
BUSY_TIMEOUT = 10.0  # seconds another program may hold the memory locked before pressgen reports it
REVIEWED = "reviewed"  # the memory's "provider" of human, reviewed translations


def machine_key(provider: str, url: str | None = None) -> str:
    """The memory's key of one machine provider's output: the provider and, for a provider whose server is a
    setting (LibreTranslate's ``translation.url``), that server: another server's output is another provider's.

    Memories written before keyed machine output by the provider's name alone; :meth:`TranslationMemory.
    get_machine` still reads those.
    """
    if not url:
        return provider
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    server = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))
    return f"{provider} {server}"


def _key(text: str) -> str:
    """A segment's text as the memory keys it: white space aside (segments.normalised)."""
    from pressgen.translation.segments import normalised

    return normalised(text)


@dataclass(frozen=True)
class HumanVersion:
    """A human translation that was replaced, kept with the source text it was made from."""

    source: str  # the source segment's text it was made from (as it was then)
    translation: str
    state: str  # draft or reviewed, as it was when it was replaced
    kept_at: str  # when it was replaced (ISO 8601, UTC)


class MemoryUnusable(PressgenError):
    """The translation memory cannot be used (damaged, locked too long, unwritable); nothing was written to it."""


class TranslationMemory:
    """Segments translated before, by provider and language pair (SQLite in the workspace).

    Opening it checks the database (``PRAGMA quick_check``), so a damaged file is
    reported before a command writes anything else; a memory another program
    holds locked is waited for :data:`BUSY_TIMEOUT` seconds, then reported. Every
    SQLite failure is a :class:`MemoryUnusable` naming the file, never a crash.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._indexes: dict[tuple[str, str], MatchIndex] = {}
        with self._guard():
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
            try:
                self._db.execute("CREATE TABLE IF NOT EXISTS segments (provider TEXT, source TEXT, target TEXT, "
                                 "text TEXT, translation TEXT, PRIMARY KEY (provider, source, target, text))")
                # Every human translation pressgen replaced, never overwritten: each version stays recoverable.
                self._db.execute("CREATE TABLE IF NOT EXISTS human_history (source TEXT, target TEXT, "
                                 "text TEXT, translation TEXT, state TEXT, kept_at TEXT, "
                                 "PRIMARY KEY (source, target, text, translation))")
                found = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
            except BaseException:
                self._db.close()
                raise
            if found != ["ok"]:
                self._db.close()
                raise sqlite3.DatabaseError("; ".join(" ".join(str(line).split()) for line in found)[:300])

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite's and the file system's failures into a :class:`MemoryUnusable` naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or "locked" in str(exc):
                message = (f"the translation memory is locked by another program (waited {BUSY_TIMEOUT:g} s)",
                           "wait until the other pressgen command (or the program holding it) has finished, "
                           "then run this one again; nothing was written")
            elif isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                message = (f"the translation memory is damaged ({exc})",
                           "move the file aside (pressgen starts an empty memory; 'pressgen tm import' refills it "
                           "from a TMX export) or restore it from a backup; nothing was written")
            else:
                message = (f"the translation memory cannot be used: {exc}",
                           "check that the folder .pressgen is writable; nothing was written")
            raise MemoryUnusable("translation memory unusable", [Diagnostic(self.path, 1, 1, *message)]) from None
        except OSError as exc:
            raise MemoryUnusable("translation memory unusable", [Diagnostic(
                self.path, 1, 1, f"the translation memory cannot be used: {exc.strerror or exc}",
                "check that the folder .pressgen is writable; nothing was written")]) from None

    def get(self, provider: str, source: str, target: str, text: str) -> str | None:
        """The translation of ``text`` remembered for a provider, white space aside (also under the exact text,
        as memories written before keyed it)."""
        with self._guard():
            for key in dict.fromkeys((_key(text), text)):
                row = self._db.execute("SELECT translation FROM segments WHERE provider=? AND source=? AND "
                                       "target=? AND text=?", (provider, source, target, key)).fetchone()
                if row:
                    return str(row[0])
        return None

    def get_machine(self, provider: str, url: str | None, source: str, target: str, text: str) -> str | None:
        """A machine translation of ``text`` remembered for this provider and server (:func:`machine_key`),
        else one a memory written before stored under the provider's name alone."""
        for key in dict.fromkeys((machine_key(provider, url), provider)):
            if (found := self.get(key, source, target, text)) is not None:
                return found
        return None

    def put(self, provider: str, source: str, target: str, text: str, translation: str) -> None:
        self.put_many([(provider, source, target, text, translation)])

    def put_many(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        """Store (provider, source, target, text, translation) rows in one transaction: all of them or none."""
        self._indexes.clear()
        with self._guard(), self._db:
            self._db.executemany("INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?)",
                                 ((provider, source, target, _key(text), translation)
                                  for provider, source, target, text, translation in rows))

    def keep_human(self, source_lang: str, target_lang: str, old_source: str, old_target: str, state: str) -> None:
        """Keep a human translation about to be replaced, with the source text it was made from.

        Versions are added, never replaced: the same translation kept twice is one version (its first
        date), every other text stays a version of its own. Call it before writing the replacement.
        """
        self.keep_many([(source_lang, target_lang, old_source, old_target, state)])

    def keep_many(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        """:meth:`keep_human` for (source language, target language, old source, old target, state) rows,
        in one transaction."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._indexes.clear()
        with self._guard(), self._db:
            self._db.executemany("INSERT OR IGNORE INTO human_history VALUES (?, ?, ?, ?, ?, ?)",
                                 ((source, target, _key(text), translation, state, now)
                                  for source, target, text, translation, state in rows if translation.strip()))

    def previous(self, source_lang: str, target_lang: str, old_source: str | None = None) -> list[HumanVersion]:
        """The human translations kept by :meth:`keep_human` for a language pair, newest first; only those made
        from ``old_source`` (white space aside) when it is given."""
        query = "SELECT text, translation, state, kept_at FROM human_history WHERE source=? AND target=?"
        args: tuple[str, ...] = (source_lang, target_lang)
        if old_source is not None:
            query, args = query + " AND text=?", (*args, _key(old_source))
        with self._guard():
            rows = self._db.execute(query + " ORDER BY kept_at DESC, rowid DESC", args).fetchall()
        return [HumanVersion(*map(str, row)) for row in rows]

    def match_index(self, source_lang: str, target_lang: str) -> MatchIndex:
        """The memory's human translations of a language pair, indexed for :meth:`fuzzy`: its reviewed
        pairs (origin ``memory``), then the human versions it kept when they were replaced (``history``)."""
        key = (source_lang, target_lang)
        if key not in self._indexes:
            index = MatchIndex()
            with self._guard():
                reviewed = self._db.execute("SELECT text, translation FROM segments WHERE provider=? AND "
                                            "source=? AND target=? ORDER BY rowid", (REVIEWED, *key)).fetchall()
                kept = self._db.execute("SELECT text, translation FROM human_history WHERE source=? AND "
                                        "target=? ORDER BY kept_at DESC, rowid DESC", key).fetchall()
            for text, translation in reviewed:
                index.add(str(text), str(translation), "memory")
            for text, translation in kept:
                index.add(str(text), str(translation), "history")
            self._indexes[key] = index
        return self._indexes[key]

    def fuzzy(self, source: str, source_lang: str, target_lang: str, limit: int = 3) -> list[FuzzyMatch]:
        """The human translations of source texts at least :data:`FUZZY_THRESHOLD` percent like ``source``
        (:mod:`pressgen.translation.similarity`), best first: offered to a translator, never applied.
        Machine output is not a match. The index is built once per language pair and memory opened."""
        return self.match_index(source_lang, target_lang).lookup(source, limit)

    def pairs(self, provider: str) -> list[tuple[str, str, str, str]]:
        """Return (source language, target language, text, translation) of one provider, in a stable order."""
        with self._guard():
            return self._db.execute("SELECT source, target, text, translation FROM segments WHERE provider=? "
                                    "ORDER BY source, target, text", (provider,)).fetchall()

    def close(self) -> None:
        self._db.close()


# --- fuzzy matches -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzyMatch:
    """A human translation of a source text like the one looked up: offered for editing, never applied.

    ``origin`` says where it comes from: ``memory`` (a reviewed pair of the translation memory),
    ``history`` (a human translation pressgen replaced, kept with the source it was made from),
    or a release id (a human translation in that release; ``before its source changed`` for the
    segment's own translation of an earlier source text).
    """

    source: str
    target: str
    percent: int
    origin: str


class MatchIndex:
    """Human translations of one language pair, indexed for fuzzy look-ups (see :meth:`lookup`).

    The similarity is :func:`pressgen.translation.similarity.similarity`, the word-level edit
    distance. Measuring it in Python for every entry would cost a workspace's size per segment, so
    the index keeps each entry's words and marks, case aside, as a string of one character per
    distinct token, and lets rapidfuzz's compiled edit distance (which first compares the lengths)
    keep only the entries within the threshold case aside: since a change of case costs only half,
    an entry that is not is not either with case; only those left are measured exactly.
    """

    def __init__(self) -> None:
        self._entries: list[tuple[str, str, str]] = []
        self._coded: list[str] = []
        self._seen: set[tuple[str, str]] = set()
        self._codes: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _code(self, text: str, grow: bool) -> str:
        """``text``'s tokens, case aside, one character each (a token the index has never seen: U+FFFF)."""
        out = []
        for token in tokens(text):
            folded = token.casefold()
            code = self._codes.get(folded)
            if code is None:
                if not grow:
                    out.append("\uffff")
                    continue
                number = len(self._codes) + 0x100
                code = self._codes[folded] = chr(number if number < 0xD800 else number + 0x800)
            out.append(code)
        return "".join(out)

    def entries(self) -> list[FuzzyMatch]:
        """Every entry, in the order added (``percent`` 100: as an exact match of its own source)."""
        return [FuzzyMatch(source, target, 100, origin) for source, target, origin in self._entries]

    def add(self, source: str, target: str, origin: str) -> None:
        """Add a human translation; the same source and translation added again keeps its first origin."""
        if not source.strip() or not target.strip():
            return
        key = (_key(source), _key(target))
        if key in self._seen:
            return
        self._seen.add(key)
        self._entries.append((source, target, origin))
        self._coded.append(self._code(source, grow=True))

    def lookup(self, text: str, limit: int = 3, threshold: int = FUZZY_THRESHOLD) -> list[FuzzyMatch]:
        """The ``limit`` best matches of ``text`` with at least ``threshold`` percent, best first
        (the same percent: in the order the entries were added)."""
        query = self._code(text, grow=False)
        if not query or limit <= 0 or not self._coded:
            return []
        # similarity ≥ threshold needs distance ≤ (1 − threshold/100) × the longer length, case aside too
        allowed = 1 - threshold / 100 + 1e-9
        near = process.extract(query, self._coded, scorer=Levenshtein.normalized_distance,
                               score_cutoff=allowed, limit=None)
        found: list[tuple[int, int, FuzzyMatch]] = []
        for _, _, index in near:
            source, target, origin = self._entries[index]
            percent = similarity(text, source)
            if percent >= threshold:
                found.append((-percent, index, FuzzyMatch(source, target, percent, origin)))
        return [match for _, _, match in sorted(found)[:limit]]
