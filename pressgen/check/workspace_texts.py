"""What check, ``build --final``, the distribution gate and status say of the workspace's own texts.

The organisation names, short names, "About" headings, taglines, addresses, boilerplates and
contact roles of pressgen.yaml are segments (:mod:`pressgen.translation.workspace_review`);
a release prints those of its organisation, its contacts and their organisations. A text
printed in a language it is not reviewed in (stale, a draft, a machine draft, missing) is a
warning of ``check`` (an error with ``--strict``), refused by ``--final`` and holds the
language back from publishing and mailing, in the same words everywhere. Their facts
(numbers: an address's street number and postcode) are compared with the source's.

The states are worked out once per version of pressgen.yaml and its pressgen.segments.json,
however many releases ask.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from pressgen.errors import Diagnostic, InputError
from pressgen.translation.parity import differences
from pressgen.translation.segments import Alignment, Pair, read_records, sidecar_path
from pressgen.translation.workspace_segments import source_language, where, workspace_alignment
from pressgen.workspace.contactinfo import region_of
from pressgen.workspace.model import Contact, Release, Workspace
from pressgen.workspace.yamlio import LoadedYaml, load_yaml

CURRENT = ("reviewed",)
_WORDS = {"stale": "stale: its {source} text changed since it was translated",
          "machine": "a machine draft, not reviewed", "draft": "a draft, not reviewed",
          "missing": "missing (no {lang} text)", "orphan": "stale: its {source} text was removed"}


@dataclasses.dataclass(frozen=True)
class TextProblem:
    """One printed workspace text in one language: not current, or not saying what its source says."""

    lang: str
    pair: Pair
    message: str  # in words, the same in check, --final and the distribution gate
    line: int
    col: int
    parity: bool = False


@dataclasses.dataclass
class WorkspaceTexts:
    """The workspace texts of every translation language, with their problems and where they are."""

    source: str
    alignments: dict[str, Alignment]
    problems: dict[str, list[TextProblem]]
    errors: list[Diagnostic]  # pressgen.segments.json cannot be read


_cache: dict[tuple[Path, tuple[int, int] | None, tuple[int, int] | None], WorkspaceTexts] = {}


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def describe(lang: str, pair: Pair, source: str) -> str:
    """A text that is not current, in words: "the fr workspace text organisation unric, tagline is stale: …"."""
    state = _WORDS.get(pair.state, pair.state).format(source=source, lang=lang)
    return f"the {lang} workspace text {pair.field} ({where(pair)}) is {state}"


def workspace_texts(workspace: Workspace) -> WorkspaceTexts:
    """The workspace texts of every language, worked out once per version of pressgen.yaml and its records."""
    config_path = workspace.config_path
    key = (config_path, _stat(config_path), _stat(sidecar_path(config_path)))
    found = _cache.get(key)
    if found is None:
        found = _work_out(workspace)
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = found
    return found


def _work_out(workspace: Workspace) -> WorkspaceTexts:
    config = workspace.config
    source = source_language(workspace)
    try:
        records = read_records(workspace.config_path, strict=True)
        loaded: LoadedYaml | None = load_yaml(workspace.config_path)
    except InputError as exc:
        return WorkspaceTexts(source, {}, {}, list(exc.diagnostics))
    assert loaded is not None
    region = region_of(config.home_locale())
    aligned: dict[str, Alignment] = {}
    problems: dict[str, list[TextProblem]] = {}
    for lang in config.languages:
        if lang == source:
            continue
        alignment = aligned[lang] = workspace_alignment(workspace, lang, records)
        found = problems[lang] = []
        for pair in alignment.pairs:
            loc = tuple(pair.field.split(".", 2))
            at = loaded.locate((*loc, lang)) if pair.target is not None else loaded.locate(loc)
            if pair.state not in CURRENT:
                found.append(TextProblem(lang, pair, describe(lang, pair, source), *at))
            if pair.source and pair.target and pair.state in ("machine", "draft", "reviewed"):
                for difference in differences(pair.source, config.locale_for(source), pair.target,
                                              config.locale_for(lang), region):
                    found.append(TextProblem(lang, pair, f"the {lang} workspace text {pair.field} ({where(pair)}) "
                                             f"does not say what the {source} one says: {difference}", *at,
                                             parity=True))
    return WorkspaceTexts(source, aligned, problems, [])


def printed_entries(workspace: Workspace, organization: str, contacts: Iterable[str | Contact]
                    ) -> list[tuple[str, str]]:
    """The organisations and contacts whose texts a release prints: (section, id), each once."""
    config = workspace.config
    used = [("organizations", organization)]
    for contact in contacts:
        if isinstance(contact, str):
            used.append(("contacts", contact))
            contact = config.contacts.get(contact)  # type: ignore[assignment]
        if isinstance(contact, Contact) and contact.organization:
            used.append(("organizations", contact.organization))
    return list(dict.fromkeys(used))


def printed_problems(workspace: Workspace, organization: str, contacts: Iterable[str | Contact],
                     languages: Sequence[str], parity: bool = True) -> list[TextProblem]:
    """The problems of the workspace texts a release prints, in the languages it is built in."""
    texts = workspace_texts(workspace)
    prefixes = tuple(f"{section}.{ident}." for section, ident in printed_entries(workspace, organization, contacts))
    return [problem for lang in languages if lang != texts.source for problem in texts.problems.get(lang, [])
            if problem.pair.field.startswith(prefixes) and (parity or not problem.parity)]


def release_problems(release: Release, workspace: Workspace, languages: Sequence[str],
                     parity: bool = True) -> list[TextProblem]:
    """:func:`printed_problems` of a release."""
    return printed_problems(workspace, release.organization, release.contacts, languages, parity)


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def hint(problem: TextProblem, source: str) -> str:
    """What to do about a problem: the source to compare with, the whole was/now of a stale text, the command."""
    if problem.parity:
        return f"compare it with the {source} text: «{_flat(problem.pair.source)}»"
    if problem.pair.state == "stale" and problem.pair.made_from:
        return (f"was: «{_flat(problem.pair.made_from)}»\n  now: «{_flat(problem.pair.source)}»"
                f"\n  review it: 'pressgen review workspace export --lang {problem.lang}'")
    if problem.pair.state == "missing":
        return (f"write it in pressgen.yaml, or draft it with 'pressgen translate --workspace --to {problem.lang}' "
                f"and review it ('pressgen review workspace export --lang {problem.lang}')")
    return f"review it: 'pressgen review workspace export --lang {problem.lang}', then import the reviewed file"


def workspace_text_diagnostics(release: Release, workspace: Workspace, languages: Sequence[str]) -> list[Diagnostic]:
    """Warnings of check: each workspace text the release prints that is not current in one of its languages,
    or does not carry its source's facts over; positioned at the text in pressgen.yaml."""
    texts = workspace_texts(workspace)
    out = [dataclasses.replace(d, severity="error") for d in texts.errors]
    for problem in release_problems(release, workspace, languages):
        out.append(Diagnostic(workspace.config_path, problem.line, problem.col,
                              f"{release.id}: {problem.message}", hint(problem, texts.source), severity="warning"))
    return out
