"""Where a language of a release stands: the one decider of "is this translation current".

Everything that shows or acts on a language's state asks here: the draft mark on
the documents, ``build --final``, the manifest, ``status``, ``check``, the studio
and review. The state comes from the segment alignment (:func:`segments.align`:
the release file and its sidecar of segment records), never from the release
file's ``status`` and ``source_hash`` alone, so two commands cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from pressgen.translation.segments import Record, align, read_records
from pressgen.workspace.model import Release, TranslationStatus

CURRENT = ("source", "reviewed")  # the states a document is published in without the draft mark


def language_states(release: Release, languages: Iterable[str],
                    records: dict[str, list[Record]] | None = None) -> dict[str, TranslationStatus]:
    """Return language -> state (source, reviewed, machine, draft, stale or missing).

    ``records`` are the release's segment records (read from its sidecar once when not given).
    """
    languages = list(languages)
    if records is None and any(lang != release.source for lang in languages):
        records = read_records(release.path)
    return {lang: "source" if lang == release.source else align(release, lang, records).summary
            for lang in languages}


def language_state(release: Release, lang: str) -> TranslationStatus:
    """Return the state of one language of ``release`` (see :func:`language_states`)."""
    return language_states(release, [lang])[lang]


def is_current(state: str) -> bool:
    """Whether a language in ``state`` is published as it is: the source, or reviewed and current."""
    return state in CURRENT
