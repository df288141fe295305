"""What check says of the translations: unreviewed languages, changed segments, facts not carried over.

All of it comes from the segment alignment (:mod:`pressgen.translation.segments`), the same one the
translation state (:mod:`pressgen.translation.state`) is decided from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pressgen.errors import Diagnostic, InputError
from pressgen.translation.parity import differences
from pressgen.translation.segments import (
    MAX_SIDECAR_BYTES,
    SIDECAR_SUFFIX,
    Alignment,
    Pair,
    Record,
    align,
    field_location,
    is_localized,
    line_of,
    read_records,
    resolve_merged,
    sidecar_path,
    split,
)
from pressgen.workspace.contactinfo import region_of
from pressgen.workspace.load import release_languages
from pressgen.workspace.model import TEXT_FIELDS, Config, Release, Workspace
from pressgen.workspace.yamlio import LoadedYaml, conflict_problems, read_regular_file


def alignments(release: Release, languages: Sequence[str]) -> dict[str, Alignment]:
    """Return the alignment of each translation (the source language left out)."""
    records = read_records(release.path)
    return {lang: align(release, lang, records) for lang in languages if lang != release.source}


def attention(alignment: Alignment) -> int:
    """How many of its :attr:`Alignment.total` source segments its summary is about: changed or not yet
    translated ones for stale, machine ones for machine, … (never more than the total: a translated
    segment whose source was deleted, an orphan, has no source segment; :func:`orphans` counts those)."""
    counts = alignment.counts()
    return {"stale": counts["stale"] + counts["missing"], "machine": counts["machine"],
            "draft": counts["draft"] + counts["missing"]}.get(alignment.summary, 0)


def orphans(alignment: Alignment) -> int:
    """How many translated segments have no source segment any more (their source was deleted)."""
    return alignment.counts()["orphan"]


def segments(count: int) -> str:
    """ "1 segment", "5 segments"."""
    return f"{count} segment" if count == 1 else f"{count} segments"


def attention_said(alignment: Alignment, what: str) -> str:
    """ "4 of 5 segments changed in the source; 4 translated segments whose source was deleted"."""
    said = f"{attention(alignment)} of {segments(alignment.total)} {what}"
    if gone := orphans(alignment):
        said += f"; {segments(gone).replace('segment', 'translated segment')} whose source was deleted"
    return said


def stale_diagnostics(alignment: Alignment, release: Release, loaded: LoadedYaml, limit: int = 5) -> list[Diagnostic]:
    """One warning per changed source segment, at the translation, with the old and the new source text."""
    out = []
    changed = alignment.changed()
    for pair in changed[:limit]:
        line, col = _target_position(loaded, alignment.lang, pair)
        # whole: a reviewer compares the two texts word for word, so neither is cut
        was = _quote(pair.made_from, None) if pair.made_from else "unknown (no segment records)"
        now = _quote(pair.source, None) if pair.source is not None else "deleted"
        what = "deleted from" if pair.source is None else "changed in"
        out.append(Diagnostic(loaded.path, line, col,
                              f"{alignment.lang} {pair.field} segment is stale: its source was {what} the "
                              f"{release.source} text", f"was: {was}\n  now: {now}", severity="warning"))
    if len(changed) > limit:
        out.append(Diagnostic(loaded.path, *loaded.locate(("text", alignment.lang)),
                              f"{alignment.lang}: {len(changed) - limit} more stale segment(s)",
                              "run 'pressgen status' or export the language for review", severity="warning"))
    return out


def _target_position(loaded: LoadedYaml, lang: str, pair: Pair) -> tuple[int, int]:
    if is_localized(pair.field):
        return loaded.locate(field_location(pair.field, lang))
    field_text = loaded.data.get("text", {}).get(lang, {}).get(pair.field)
    if isinstance(field_text, str) and pair.target and not pair.whole:
        return loaded.locate_in_text(("text", lang, pair.field), line_of(field_text, pair.target))
    return loaded.locate(("text", lang, pair.field))


def _quote(text: str, width: int | None = 90) -> str:
    flat = " ".join(text.split())
    if width is None or len(flat) <= width:
        return f"«{flat}»"
    return f"«{flat[:width]}…»"


def parity_problems(alignment: Alignment, release: Release, config: Config) -> list[tuple[Pair, str]]:
    """The fact differences of each translated, current segment: (pair, difference in words)."""
    source_locale, target_locale = config.locale_for(release.source), config.locale_for(alignment.lang)
    region = region_of(config.home_locale())
    return [(pair, difference) for pair in alignment.pairs
            if pair.source and pair.target and pair.state in ("machine", "draft", "reviewed")
            for difference in differences(pair.source, source_locale, pair.target, target_locale, region)]


def parity_diagnostics(alignment: Alignment, release: Release, config: Config,
                       loaded: LoadedYaml) -> list[Diagnostic]:
    """One warning per fact a translation does not carry over, at the translated segment."""
    out = []
    for pair, difference in parity_problems(alignment, release, config):
        line, col = _target_position(loaded, alignment.lang, pair)
        out.append(Diagnostic(loaded.path, line, col, f"{alignment.lang} {pair.field}: {difference}",
                              f"compare it with the {release.source} text: {_quote(pair.source or '')}",
                              severity="warning"))
    return out


def translation_diagnostics(release: Release, workspace: Workspace, loaded: LoadedYaml,
                            aligned: dict[str, Alignment] | None = None) -> list[Diagnostic]:
    """Warnings of check about the translations: unreviewed languages, changed segments, facts not carried over.

    ``aligned``: the translations' alignments when the caller has them already.
    """
    out = []
    if aligned is None:
        aligned = alignments(release, release_languages(release, workspace.config))
    for lang, alignment in aligned.items():
        out += parity_diagnostics(alignment, release, workspace.config, loaded)
        status = alignment.summary
        if status == "reviewed":
            continue
        line, col = loaded.locate(("text", lang))
        if status == "stale":
            out.append(Diagnostic(loaded.path, line, col, f"{lang} text is stale: not reviewed "
                                  f"({attention_said(alignment, 'changed in the source')})",
                                  f"run 'pressgen translate {release.id} --to {lang}' to draft only those, "
                                  "or review them", severity="warning"))
            out += stale_diagnostics(alignment, release, loaded)
        else:
            what = attention_said(alignment, status) \
                if status != "missing" else "no text"
            out.append(Diagnostic(loaded.path, line, col, f"{lang} text is {status}: not reviewed ({what})",
                                  f"review it against the {release.source} text", severity="warning"))
    return out


# --- the sidecar of segment records ---------------------------------------------------------------

_STATES = ("machine", "draft", "reviewed")


def rebuild_hint(release: Release, languages: Sequence[str]) -> str:
    """How to get a release's segment records back: version control, or rebuilt from current translations."""
    name = sidecar_path(release.path).name
    targets = ",".join(lang for lang in languages if lang != release.source) or "LANGS"
    return (f"restore {name} from version control; or, if the translations are current, delete {name} and run "
            f"'pressgen translate {release.id} --to {targets}' to rebuild it (each translation is then paired "
            "with its source one to one)")


def sidecar_diagnostics(release: Release, languages: Sequence[str]) -> list[Diagnostic]:
    """Errors in a release's segment records (``<id>.segments.json``), positioned in that file.

    The records decide every translation state, so a sidecar that cannot be
    used is an error of the release, never read as none: a merge conflict, a
    damaged or truncated file, records of another release, source language or a
    language the release is not in, a record that is not what pressgen writes,
    and two records of one segment that :func:`~pressgen.translation.segments.resolve_merged`
    cannot decide between. Without a sidecar, records left beside the release
    under an id that has no release file (a release renamed without its records).
    """
    from pressgen.workspace.safejson import read_json

    path = sidecar_path(release.path)
    if not path.exists() and not path.is_symlink():
        return _orphaned_records(release, languages)
    hint = rebuild_hint(release, languages)
    try:
        raw = read_regular_file(path, limit=MAX_SIDECAR_BYTES)
    except InputError as exc:
        return [_error(d.path, d.line, d.col, f"the segment records cannot be read: {d.message}", hint)
                for d in exc.diagnostics]
    text = raw.decode("utf-8", errors="replace")
    conflicts = conflict_problems(path, text)
    if conflicts:
        return [_error(path, d.line, d.col, f"the segment records have an {d.message}",
                       f"resolve the merge conflict (keep one side's records, then run check again); or {hint}")
                for d in conflicts]
    try:
        data = read_json(path, MAX_SIDECAR_BYTES)
    except InputError as exc:
        return [_error(d.path, d.line, d.col, f"the segment records cannot be read: {d.message}", hint)
                for d in exc.diagnostics]
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        return [_error(path, 1, 1, "the segment records are not what pressgen writes (an object whose "
                       "'languages' maps each language to its list of records)", hint)]
    out: list[Diagnostic] = []
    for key, expected in (("release", release.id), ("source", release.source)):
        if key in data and data[key] != expected:  # (written by every pressgen; absent, nothing to compare)
            what = "release" if key == "release" else "source language"
            out.append(_error(path, *_key_position(text, key), f"the segment records are for {what} "
                              f"{json.dumps(data.get(key))}, but {release.path.name} is {what} '{expected}'",
                              f"the records belong to another release or version of it; {hint}"))
    records: dict[str, list[Record]] = {}
    languages_at = text.find('"languages"')
    for lang, entries in data["languages"].items():
        at = _key_position(text, lang, languages_at)
        if lang == release.source:
            out.append(_error(path, *at, f"the segment records hold '{lang}', which is its source language", hint))
            continue
        if lang not in languages:  # a language taken out of the release: its records are unused, not wrong
            out.append(Diagnostic(path, *at, f"the segment records hold '{lang}', which is not one of the "
                                  f"release's languages ({', '.join(languages)}): they are not used",
                                  f"if '{lang}' left the release for good, its records can be deleted from "
                                  f"{path.name}", severity="warning"))
            continue
        if not isinstance(entries, list):
            out.append(_error(path, *at, f"the '{lang}' segment records are not a list", hint))
            continue
        for index, entry in enumerate(entries):
            problem = _record_problem(entry)
            if problem:
                out.append(_error(path, *_record_position(text, at, index), f"{lang} segment record "
                                  f"{index + 1}: {problem}", hint))
        records[lang] = [Record(str(e["field"]), str(e["source"]), str(e["target"]), str(e["state"]))
                         for e in entries if not _record_problem(e)]
    for lang, index, record in resolve_merged(release, records)[1]:
        at = _key_position(text, lang, languages_at)
        out.append(_error(path, *_record_position(text, at, index), f"two {lang} segment records for one "
                          f"{record.field} segment ({_quote(record.source, 50)}), neither one the text of the "
                          "file as it is now (a merge kept both sides)",
                          f"keep the record of the translation you want and delete the other; or {hint}"))
    return out


def _error(path: Path, line: int, column: int, message: str, hint: str) -> Diagnostic:
    return Diagnostic(path, line, column, message, hint)


def _record_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "not an object with field, source, target and state"
    missing = [key for key in ("field", "source", "target", "state") if not isinstance(entry.get(key), str)]
    if missing:
        return f"no text for {', '.join(missing)}"
    if entry["field"] not in TEXT_FIELDS and not is_localized(entry["field"]):
        return (f"unknown field '{entry['field']}' (one of {', '.join(TEXT_FIELDS)}, or a fact or photo text "
                "such as fact-1-value, image-1-alt)")
    if entry["state"] not in _STATES:
        return f"unknown state '{entry['state']}' (one of {', '.join(_STATES)})"
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    offset = max(offset, 0)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _key_position(text: str, key: str, start: int = 0) -> tuple[int, int]:
    match = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:").search(text, max(start, 0))
    return _position(text, match.start() if match else 0)


def _record_position(text: str, language_at: tuple[int, int], index: int) -> tuple[int, int]:
    """Where the ``index``-th record of a language starts: its ``index``-th '{' after the language's key."""
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[:language_at[0] - 1]) + language_at[1] - 1
    for count, match in enumerate(re.finditer(r"\{", text[offset:])):
        if count == index:
            return _position(text, offset + match.start())
    return language_at


def _orphaned_records(release: Release, languages: Sequence[str]) -> list[Diagnostic]:
    """Records beside the release whose own release file is gone, made from this release's source text."""
    from pressgen.workspace.safejson import read_json

    if not any(lang in release.text for lang in languages if lang != release.source):
        return []
    source = release.text.get(release.source)
    segments = {part.strip() for name, value in (source.fields() if source else {}).items()
                for part in split(name, value)}
    out = []
    for other in sorted(release.path.parent.glob("*" + SIDECAR_SUFFIX)):
        stem = other.name[:-len(SIDECAR_SUFFIX)]
        if other.with_name(stem + ".yaml").exists():
            continue
        try:
            data = read_json(other, MAX_SIDECAR_BYTES)
            made_from = {str(r["source"]).strip() for recs in data["languages"].values() for r in recs}
        except (InputError, KeyError, TypeError, AttributeError, OSError):
            continue
        # Most of the release's source segments, not one short one such as a dateline "Brussel" that many
        # releases share: a guess on a single segment would refuse unrelated releases.
        if data.get("source") == release.source and len(made_from & segments) >= max(2, (len(segments) + 1) // 2):
            out.append(_error(other, 1, 1, f"{release.path.name} has no segment records of its own, and these "
                              f"records of '{stem}', which has no release file, were made from its text",
                              f"if {release.path.name} was renamed from {stem}.yaml, rename its records too "
                              f"('git mv {other.name} {sidecar_path(release.path).name}') and set their "
                              f"\"release\" to \"{release.id}\"; if they are not its records, delete {other.name}"))
    return out
