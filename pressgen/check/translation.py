"""What check says of the translations: unreviewed languages, changed segments, facts not carried over.

All of it comes from the segment alignment (:mod:`pressgen.translation.segments`), the same one the
translation state (:mod:`pressgen.translation.state`) is decided from.
"""

from __future__ import annotations

from collections.abc import Sequence

from pressgen.errors import Diagnostic
from pressgen.translation.parity import differences
from pressgen.translation.segments import Alignment, Pair, align, line_of, read_records
from pressgen.workspace.contactinfo import region_of
from pressgen.workspace.load import release_languages
from pressgen.workspace.model import Config, Release, Workspace
from pressgen.workspace.yamlio import LoadedYaml


def alignments(release: Release, languages: Sequence[str]) -> dict[str, Alignment]:
    """Return the alignment of each translation (the source language left out)."""
    records = read_records(release.path)
    return {lang: align(release, lang, records) for lang in languages if lang != release.source}


def attention(alignment: Alignment) -> int:
    """How many segments its summary is about: changed ones for stale, machine ones for machine, …"""
    counts = alignment.counts()
    return {"stale": counts["stale"] + counts["orphan"] + counts["missing"], "machine": counts["machine"],
            "draft": counts["draft"] + counts["missing"]}.get(alignment.summary, 0)


def stale_diagnostics(alignment: Alignment, release: Release, loaded: LoadedYaml, limit: int = 5) -> list[Diagnostic]:
    """One warning per changed source segment, at the translation, with the old and the new source text."""
    out = []
    changed = alignment.changed()
    for pair in changed[:limit]:
        line, col = _target_position(loaded, alignment.lang, pair)
        was = _quote(pair.made_from) if pair.made_from else "unknown (no segment records)"
        now = _quote(pair.source) if pair.source is not None else "deleted"
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
    field_text = loaded.data.get("text", {}).get(lang, {}).get(pair.field)
    if isinstance(field_text, str) and pair.target and not pair.whole:
        return loaded.locate_in_text(("text", lang, pair.field), line_of(field_text, pair.target))
    return loaded.locate(("text", lang, pair.field))


def _quote(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return f"«{flat[:width]}{'…' if len(flat) > width else ''}»"


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
                                  f"({attention(alignment)} of {alignment.total} segment(s) changed in the source)",
                                  f"run 'pressgen translate {release.id} --to {lang}' to draft only those, "
                                  "or review them", severity="warning"))
            out += stale_diagnostics(alignment, release, loaded)
        else:
            what = f"{attention(alignment)} of {alignment.total} segment(s) {status}" \
                if status != "missing" else "no text"
            out.append(Diagnostic(loaded.path, line, col, f"{lang} text is {status}: not reviewed ({what})",
                                  f"review it against the {release.source} text", severity="warning"))
    return out
