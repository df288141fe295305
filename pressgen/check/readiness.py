"""Which languages of a release may leave the office: the one gate of ``publish`` and ``mail``.

A language is *ready* when the release has no error, the language is current (the
source, or every segment reviewed against the source as it is now: see
:mod:`pressgen.translation.state`) and its facts agree with the source's (the parity
check). Anything else keeps that language out of every public output and every message,
with the reasons in words a press officer reads; ``allow_draft`` lets it through, and the
caller says so on everything it touches.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pressgen.check import check_release
from pressgen.check.translation import alignments, attention_said, parity_problems
from pressgen.errors import Diagnostic, errors_only
from pressgen.translation.state import is_current
from pressgen.workspace.load import CheckedRelease, release_languages
from pressgen.workspace.model import Release, Workspace


@dataclasses.dataclass
class LanguageReadiness:
    """One language of a release: whether it may be published or sent, and if not, why."""

    lang: str
    state: str  # source, reviewed, machine, draft, stale or missing
    reasons: list[str] = dataclasses.field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons


@dataclasses.dataclass
class Readiness:
    """A release checked for distribution: its model (None when it has errors) and each language's verdict."""

    path: Path
    release: Release | None
    languages: dict[str, LanguageReadiness]
    diagnostics: list[Diagnostic]

    def ready(self, allow_draft: bool = False) -> list[str]:
        """The languages that may go out (all that have text when ``allow_draft``), source first."""
        if self.release is None:
            return []
        return [lang for lang, verdict in self.languages.items()
                if verdict.ready or (allow_draft and verdict.state != "missing")]

    def held_back(self, allow_draft: bool = False) -> dict[str, list[str]]:
        """Language -> the reasons it does not go out ("*" for every language when the release has errors)."""
        going = set(self.ready(allow_draft))
        if self.release is None:
            reasons = [f"{d.path}:{d.line}:{d.col}: {d.message}" for d in errors_only(self.diagnostics)]
            return {"*": reasons or ["the release has errors"]}
        return {lang: verdict.reasons for lang, verdict in self.languages.items() if lang not in going}


def readiness(path: Path, workspace: Workspace, checked: CheckedRelease | None = None) -> Readiness:
    """Decide, for each language of the release at ``path``, whether it may be distributed."""
    checked = checked if checked is not None else check_release(path, workspace)
    release = checked.release
    if release is None:
        return Readiness(path, None, {}, list(checked.diagnostics))
    languages = release_languages(release, workspace.config)
    verdicts: dict[str, LanguageReadiness] = {release.source: LanguageReadiness(release.source, "source")}
    aligned = alignments(release, [lang for lang in languages if lang != release.source])
    for lang in languages:
        if lang == release.source:
            continue
        alignment = aligned[lang]
        state = alignment.summary
        verdict = LanguageReadiness(lang, state)
        if state == "missing":
            verdict.reasons.append(f"the {lang} text is not written")
        elif not is_current(state):
            verdict.reasons.append(f"the {lang} text is {state}: "
                                   + attention_said(alignment, f"not reviewed against the {release.source} text"))
        for pair, difference in parity_problems(alignment, release, workspace.config):
            verdict.reasons.append(f"the {lang} {pair.field} does not say what the {release.source} one says: "
                                   f"{difference}")
        verdicts[lang] = verdict
    from pressgen.check.workspace_texts import release_problems  # issue 18: pressgen.yaml's texts it prints

    # (the release's own source language always goes out, as the fallback of every recipient: --final and
    # check name its workspace texts)
    for problem in release_problems(release, workspace, [lang for lang in verdicts if lang != release.source]):
        verdicts[problem.lang].reasons.append(problem.message)
    return Readiness(path, release, verdicts, list(checked.diagnostics))
