"""Machine drafts: fill missing or stale languages of a release through deep-translator.

Text is sent paragraph by paragraph (sentence by sentence where a provider caps
the length), with link targets masked so they never reach the provider; the
Markdown of the answer is checked against the source and, when a provider
mangled it, the paragraph is translated run by run instead, so bold, links and
superscripts always survive. Segments already translated are taken from a
translation memory in the workspace. A language is written back into the YAML
(comments, order and formatting kept) only when all of it succeeded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pressgen.check import check_release
from pressgen.document.inline import Inline, Token, inline_tokens, shape, to_markdown
from pressgen.document.markup import PARAGRAPH_BREAK, SourceLine, source_lines
from pressgen.errors import Diagnostic, InputError, PressgenError
from pressgen.files import locked
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory, machine_key
from pressgen.translation.providers import SEGMENT_LIMITS, ProviderFailure, make_client, request_timeout, retryable
from pressgen.translation.segments import (
    SEGMENTED,
    Alignment,
    Filled,
    Pair,
    Record,
    align,
    field_location,
    fields_and_records,
    is_human,
    is_localized,
    line_of,
    read_records,
    save,
    split,
)
from pressgen.translation.unitcheck import segment_problems
from pressgen.workspace.load import EVERY_LANGUAGE
from pressgen.workspace.model import LanguageText, Release, TranslationSettings, Workspace
from pressgen.workspace.yamledit import base_of
from pressgen.workspace.yamlio import XML_INVALID, LoadedYaml, load_yaml

# Link targets are replaced by a numbered mask between two brackets that the text
# itself does not use, so a source that happens to contain "⟦0⟧" is sent as typed.
_MASK_BRACKETS = ("⟦⟧", "⟪⟫", "⦃⦄", "〖〗", "\ue000\ue001")
# What a provider's answer may not bring into a paragraph: line and paragraph
# breaks (they would split it), tabs, and characters no document can hold.
_ANSWER_SPACES = re.compile("[\t\n\r\x85\u2028\u2029]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’»\"')]*\s+")


class TranslationError(PressgenError):
    """A provider could not translate a release; nothing was written for that language."""


def _setting_diagnostic(workspace: Workspace, settings: TranslationSettings,
                        failure: ParagraphFailure) -> Diagnostic:
    """A configuration failure, positioned at the setting of pressgen.yaml to fix."""
    setting = failure.setting or "provider"
    if setting == "url" and not settings.url:
        setting = "provider"  # a public provider's server is not a setting: the provider is
    try:
        loaded = load_yaml(workspace.config_path)
        line, col = loaded.locate(("translation", setting))
    except InputError:
        line, col = 1, 1
    value = getattr(settings, setting, None)
    return Diagnostic(workspace.config_path, line, col,
                      f"translation provider '{settings.provider}'"
                      + (f" ({setting}: {value})" if value else "") + f": {failure.reason}",
                      f"nothing was written; check translation.{setting} in pressgen.yaml")


# --- segments --------------------------------------------------------------------------------


@dataclass
class SegmentTranslator:
    """Translates segments of one language pair: memory first, then the provider with retries."""

    client: Any
    settings: TranslationSettings
    source: str
    target: str
    memory: TranslationMemory
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0

    def __call__(self, text: str) -> str:
        if not text.strip() or not re.search(r"\w", text):
            return text
        remembered = self.memory.get_machine(self.settings.provider, self.settings.url, self.source, self.target,
                                             text)
        if remembered is not None:
            return remembered
        translation = self._ask(text)
        self.memory.put(machine_key(self.settings.provider, self.settings.url), self.source, self.target, text,
                        translation)
        return translation

    def _ask(self, text: str) -> str:
        attempt = 0
        while True:
            self.requests += 1
            try:
                with request_timeout(self.settings.timeout):
                    answer = self.client.translate(text)
            except Exception as exc:  # deep-translator and requests raise many kinds
                retry, reason, setting = retryable(exc)
                if not retry or attempt >= self.settings.retries:
                    tries = f" after {attempt + 1} tries" if attempt else ""
                    raise ProviderFailure(f"{reason}{tries}", setting) from exc
                self.sleep(self.settings.backoff * 2 ** attempt)
                attempt += 1
                continue
            if not isinstance(answer, str) or not clean_answer(answer).strip():
                raise ProviderFailure("the provider returned no translation")
            return clean_answer(answer)


def _chunks(text: str, limit: int) -> list[str]:
    """Split ``text`` at sentence ends (at spaces if a sentence is too long) into pieces under ``limit``."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:  # a sentence longer than the limit: cut at the last space
            cut = sentence.rfind(" ", 0, limit) if " " in sentence[:limit] else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


@dataclass(frozen=True)
class _Masks:
    """The mask syntax for one paragraph: brackets its text does not contain."""

    open: str
    close: str

    @classmethod
    def for_text(cls, text: str) -> _Masks:
        for pair in _MASK_BRACKETS:
            if pair[0] not in text and pair[1] not in text:
                return cls(pair[0], pair[1])
        raise ProviderFailure("the paragraph contains every bracket pressgen masks links with "
                              f"({' '.join(_MASK_BRACKETS[:-1])}); remove some of them")

    def mask(self, index: int) -> str:
        return f"{self.open}{index}{self.close}"

    @property
    def number(self) -> re.Pattern[str]:
        return re.compile(f"{re.escape(self.open)}(\\d+){re.escape(self.close)}")

    def index(self, target: str) -> int | None:
        """The number of the mask a link's target (as the reader gives it, percent-encoded) is, if it is one."""
        match = self.number.fullmatch(unquote(target))
        return int(match.group(1)) if match else None


def clean_answer(answer: str) -> str:
    """Return a provider's answer for one line of text as one line: breaks and tabs become spaces,
    characters no document can hold are dropped."""
    return XML_INVALID.sub("", _ANSWER_SPACES.sub(" ", answer))


def translate_inline(text: str, translate: Callable[[str], str], limit: int) -> str:
    """Translate one paragraph's text, keeping its Markdown.

    The text is read as the documents are (markup.parse_inline, as inline.py's tokens): link
    targets are masked, and each run between hard line breaks is sent on its own (an answer is
    one line). If the provider's answer does not read as the same markup (bold, italics,
    superscripts and links, in the same order), the runs of text between markup are translated
    one by one instead.
    """
    source = inline_tokens(text)
    masks = _Masks.for_text(text)
    order = list(source.links)  # the n-th link's target is sent as mask n
    masked = Inline(links={ident: masks.mask(number) for number, ident in enumerate(order)})
    out: list[Token] = []
    run: list[Token] = []
    for token in [*source.tokens, ("end",)]:
        if token[0] in ("x", "end"):
            out += _translate_run(run, masked, masks, order, translate, limit)
            out += [token] if token[0] == "x" else []
            run = []
        else:
            run.append(token)
    return to_markdown(out, source, minimal=True)


def _translate_run(tokens: list[Token], masked: Inline, masks: _Masks, order: list[str],
                   translate: Callable[[str], str], limit: int) -> list[Token]:
    """The tokens of one run translated, its links' ids those of the source."""
    if not any(token[0] == "text" and token[1].strip() for token in tokens):
        return tokens
    sent = to_markdown(tokens, masked, minimal=True)
    answer = " ".join(translate(piece) for piece in _chunks(sent, limit))
    # Providers like to add a space in "](": mended only when the answer does not read as sent.
    for candidate in (answer, re.sub(r"\]\s+\(", "](", answer)):
        read = _as_sent(candidate, tokens, masks, order)
        if read is not None:
            return read
    return [("text", _keep_spacing(token[1], translate, limit)) if token[0] == "text" else token for token in tokens]


def _as_sent(answer: str, tokens: list[Token], masks: _Masks, order: list[str]) -> list[Token] | None:
    """The answer's tokens, its links' ids those of the source, if it reads as the same markup
    in the same order with each of the run's masked links once; else None."""
    read = inline_tokens(answer)
    numbers = {ident: masks.index(target) for ident, target in read.links.items()}
    ids = {ident: order[number] for ident, number in numbers.items() if number is not None and number < len(order)}
    ours = sorted(order.index(token[2]) for token in tokens if token[:2] == ("open", "link"))
    if (len(ids) != len(numbers) or sorted(order.index(ident) for ident in ids.values()) != ours
            or _markup(read.tokens) != _markup(tokens)
            or any(masks.open in token[1] or masks.close in token[1] for token in read.tokens if token[0] == "text")):
        return None  # markup lost or added, a link changed, or a mask moved out of its link
    return [(token[0], "link", ids[token[2]]) if token[1:2] == ("link",) else token for token in read.tokens]


def _markup(tokens: list[Token]) -> list[Token]:
    """The markup of tokens in order, without its ids and its text."""
    return [token for token in shape(tokens) if token[0] != "text"]


def _keep_spacing(part: str, translate: Callable[[str], str], limit: int) -> str:
    core = part.strip()
    if not core:
        return part
    lead, trail = part[:len(part) - len(part.lstrip())], part[len(part.rstrip()):]
    return lead + " ".join(translate(piece) for piece in _chunks(core, limit)) + trail


@dataclass
class ParagraphFailure(Exception):
    """A paragraph that could not be translated: where it starts (0-based line) and why."""

    line: int
    number: int
    reason: str
    setting: str | None = None


def translate_markdown(text: str, translate: Callable[[str], str], limit: int) -> str:
    """Translate a Markdown field paragraph by paragraph; list items and quotes line by line.

    Raises :class:`ParagraphFailure` naming the paragraph that failed.
    """
    out: list[str] = []
    line = 0
    for number, paragraph in enumerate(PARAGRAPH_BREAK.split(text.strip("\n")), start=1):
        lines = source_lines(paragraph)
        try:
            if any(item.marker or item.cells is not None for item in lines):
                out.append("\n".join(_translate_line(item, translate, limit) for item in lines))
            else:
                out.append(translate_inline(paragraph, translate, limit))
        except ProviderFailure as failure:
            raise ParagraphFailure(line, number, failure.reason, failure.setting) from failure
        line += len(lines) + 1
    return "\n\n".join(out) + ("\n" if text.endswith("\n") else "")


def _translate_line(line: SourceLine, translate: Callable[[str], str], limit: int) -> str:
    """One line of a list, quote or table translated, its marker kept; a table row cell by cell."""
    if line.cells is not None:
        cells = [translate_inline(cell, translate, limit).replace("|", "\\|") for cell in line.cells]
        return line.marker + "| " + " | ".join(cells) + " |"
    lead = line.text[:len(line.text) - len(line.text.lstrip())]
    return line.marker + lead + translate_inline(line.text.lstrip(), translate, limit)


# --- releases --------------------------------------------------------------------------------


@dataclass
class TranslateReport:
    """What ``translate`` did: languages written, skipped (and why), requests sent, failures."""

    written: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    drafted: dict[str, int] = field(default_factory=dict)  # segments drafted by the provider, per language
    reused: dict[str, int] = field(default_factory=dict)  # segments taken from reviewed translations
    kept: dict[str, list[str]] = field(default_factory=dict)  # stale human segments kept, by label ("body ¶3")
    replaced: dict[str, int] = field(default_factory=dict)  # human segments replaced (kept in the memory)
    adopted: dict[str, int] = field(default_factory=dict)  # fact and photo texts recorded as they are (--adopt)
    # Human translations of deleted source paragraphs, dropped (kept in the memory): (field, text) per language.
    dropped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    requests: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _embargo_check(release: Release, settings: TranslationSettings, allow: bool, now: dt.datetime,
                   loaded: LoadedYaml) -> None:
    if release.embargo is None or not settings.public or allow or release.embargo <= now:
        return
    line, col = loaded.locate(("embargo",))
    raise TranslationError("embargoed", [Diagnostic(
        loaded.path, line, col, f"the release is under embargo until {release.embargo.isoformat()}; "
        f"its text is not sent to the public provider '{settings.provider}'",
        "use a self-hosted LibreTranslate (translation: {provider: libre, url: …}), "
        "or pass --allow-embargoed if publishing the text to the provider is acceptable")])


def segment_label(pairs: list[Pair], pair: Pair) -> str:
    """How a message names a segment: ``headline``, ``body ¶3`` (its paragraph in the source)."""
    if pair.field not in SEGMENTED or pair.whole:
        return pair.field
    ours = [other.id for other in pairs if other.field == pair.field and other.source is not None]
    return f"{pair.field} ¶{ours.index(pair.id) + 1}" if pair.id in ours else pair.field


def translate_release(path: Path, workspace: Workspace, targets: list[str], provider: str | None = None,
                      allow_embargoed: bool = False, environ: dict[str, str] | None = None,
                      now: dt.datetime | None = None, sleep: Callable[[float], None] = time.sleep,
                      client_factory: Callable[..., Any] = make_client,
                      retranslate: bool = False, replace_stale: bool = False, adopt: bool = False) -> TranslateReport:
    """Draft the missing and changed segments of the ``targets`` of the release at ``path``.

    Missing segments, and stale ones whose translation is a machine's, are
    drafted (every segment with ``retranslate``); draft and reviewed segments of
    unchanged source are never touched. A stale segment whose translation is
    human keeps it (it stays stale) unless ``replace_stale``: the machine draft
    of its new source goes into the memory as a suggestion (under the
    provider's name) and the segment is named in ``report.kept``. Every human
    translation replaced (or dropped with its deleted source paragraph) is kept
    in the memory first (:meth:`TranslationMemory.keep_human`), with the
    source text it was made from. A segment whose source has a reviewed
    translation in the memory gets that text instead of the provider's. Each
    language that fully succeeds
    is written back with its summary status and the current ``source_hash``, and
    its segment records beside the release; a language that fails leaves the
    file as it was for that language and is reported with release, language and
    paragraph.
    Raises :class:`InputError` for an invalid release, :class:`TranslationError`
    for an embargo, :class:`UsageError` for bad settings, and
    :class:`~pressgen.files.ChangedOnDisk`, writing nothing, when someone saved
    the release while the provider answered (the drafts stay in the memory: a
    second run sends nothing again).
    With ``adopt``, fact and photo texts that have a translation but no segment
    record (a sidecar written before they were segments) are recorded in the
    language's ``status`` (draft when its text is not current); without it they
    stay draft, never taken for reviewed.
    """
    import os

    with locked(path):  # the release and its records read as a pair, never between another writer's two files
        # Any language may still lack its text: drafting French does not need the English.
        checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
        if checked.release is None or checked.loaded is None:
            raise InputError(f"{path}: invalid release", checked.diagnostics)
        release, loaded = checked.release, checked.loaded
        base = base_of(loaded)  # the version the drafts are made from: written back only onto it
        records = read_records(path, strict=True)  # damaged records are reported before anything is written
    settings = workspace.config.translation
    if provider:
        settings = settings.model_copy(update={"provider": provider})
    _embargo_check(release, settings, allow_embargoed, now or dt.datetime.now(dt.UTC), loaded)
    report = TranslateReport()
    source_fields = release.text[release.source].fields()
    written: dict[str, dict[str, str]] = {}
    new_records: dict[str, list[Record]] = {}
    memory = TranslationMemory(workspace.root / MEMORY_FILE)
    try:
        for lang in targets:
            if lang == release.source:
                report.skipped[lang] = "it is the source language"
                continue
            alignment = align(release, lang, records)
            block = release.text.get(lang)
            if adopt:
                alignment, report.adopted[lang] = _adopted(alignment, block)
            memory.put_many((REVIEWED, release.source, lang, pair.source, pair.target)  # the best memory there is
                            for pair in alignment.pairs
                            if pair.state == "reviewed" and pair.source and pair.target and not pair.whole)
            todo = [pair for pair in alignment.pairs if pair.source is not None
                    and (retranslate or pair.state in ("missing", "stale"))]
            # Human text of a changed source is kept unless asked: its machine draft is only a suggestion.
            suggest = [pair for pair in todo if pair.state == "stale" and is_human(pair)
                       and not (retranslate or replace_stale)]
            suggested = {pair.id for pair in suggest}
            if not todo and not alignment.changed():
                report.skipped[lang] = f"it is {alignment.summary} and current"
                if (lang not in records or report.adopted.get(lang)) and block is not None:
                    # from now on, changes are tracked per segment
                    new_records[lang] = fields_and_records(alignment.pairs, {}, block)[1]
                continue
            client = client_factory(settings, release.source, lang, workspace.config.locales,
                                    environ if environ is not None else dict(os.environ))
            segments = SegmentTranslator(client, settings, release.source, lang, memory, sleep)
            limit = SEGMENT_LIMITS[settings.provider]
            filled: dict[str, Filled] = {}
            suggestions: list[tuple[str, str, str, str, str]] = []
            try:
                for pair in todo:
                    current = pair
                    assert pair.source is not None
                    if pair.id in suggested:
                        suggestion = translate_markdown(pair.source, segments, limit)
                        suggestions.append((machine_key(settings.provider, settings.url), release.source, lang,
                                            pair.source, suggestion))
                        continue
                    reviewed = memory.get(REVIEWED, release.source, lang, pair.source)
                    if reviewed is not None and not retranslate and \
                            (refused := segment_problems(reviewed, pair.source, pair.field)):
                        report.skipped[f"{lang} {pair.id}"] = ("the memory's reviewed translation is not used ("
                                                               + "; ".join(refused) + "): drafted instead")
                        reviewed = None
                    if reviewed is not None and not retranslate:
                        filled[pair.id] = Filled(pair, reviewed, "draft")  # human text, to be reviewed here
                    else:
                        filled[pair.id] = Filled(pair, translate_markdown(pair.source, segments, limit), "machine")
            except ParagraphFailure as failure:
                report.requests += segments.requests
                if failure.setting:  # the configuration is wrong: say where, and try no other language
                    report.diagnostics.append(_setting_diagnostic(workspace, settings, failure))
                    report.skipped.update({other: "not tried: the provider is not usable as configured"
                                           for other in targets[targets.index(lang) + 1:]})
                    break
                field_text = source_fields.get(current.field, "")
                paragraphs = split(current.field, field_text)
                number = paragraphs.index(current.source) + 1 if current.source in paragraphs else 1
                line, col = loaded.locate(field_location(current.field, release.source)) \
                    if is_localized(current.field) else \
                    loaded.locate_in_text(("text", release.source, current.field),
                                          line_of(field_text, current.source or "") + failure.line)
                report.diagnostics.append(Diagnostic(
                    path, line, col, f"{release.id}: translating {release.source}→{lang} failed at "
                    f"{current.field}, paragraph {number}: {failure.reason}",
                    f"nothing was written for {lang}; the paragraphs translated so far are remembered "
                    "for the next run"))
                continue
            report.requests += segments.requests
            memory.put_many(suggestions)  # the suggestions beside the kept human text, for review to show
            if suggest:
                report.kept[lang] = [segment_label(alignment.pairs, pair) for pair in suggest]
            # Human text about to be replaced, or dropped with its deleted source, is kept in the memory first.
            gone = [pair for pair in alignment.pairs if is_human(pair) and (pair.id in filled or pair.source is None)]
            if not filled and not any(pair.source is None for pair in alignment.pairs):
                continue  # only suggestions: the file stays as it is
            # (made from the source it was paired with when the records do not say: a release never tracked)
            memory.keep_many((release.source, lang, pair.made_from or pair.source or "", pair.target or "",
                              str(pair.basis if pair.state in ("stale", "orphan") else pair.state))
                             for pair in gone)
            report.replaced[lang] = sum(1 for pair in gone if pair.source is not None)
            report.dropped[lang] = [(pair.field, pair.target or "") for pair in gone if pair.source is None]
            fields, lang_records, summary, complete = fields_and_records(alignment.pairs, filled, block)
            # Still stale somewhere: the hash stays the one the rest was made from (as the write-back does).
            source_hash = release.source_hash() if complete or block is None else block.source_hash
            written[lang] = {"status": summary, **({"source_hash": source_hash} if source_hash else {}), **fields}
            new_records[lang] = lang_records
            report.drafted[lang] = sum(1 for f in filled.values() if f.state == "machine")
            report.reused[lang] = sum(1 for f in filled.values() if f.state == "draft")
    finally:
        memory.close()
    if written or new_records:
        save(release, written, new_records, base=base)
        report.written = list(written)
    return report


def _adopted(alignment: Alignment, block: LanguageText | None) -> tuple[Alignment, int]:
    """The alignment with its unrecorded fact and photo texts in the language's state, and how many."""
    text_current = not any(pair.state in ("stale", "orphan") for pair in alignment.pairs
                           if not is_localized(pair.field))
    state = block.status if block is not None and block.status and text_current else "draft"
    pairs = [dataclasses.replace(pair, state=state, recorded=True) if not pair.recorded and pair.target is not None
             else pair for pair in alignment.pairs]
    return Alignment(alignment.lang, pairs), sum(1 for pair in alignment.pairs if not pair.recorded)


def human_segments(path: Path, workspace: Workspace, targets: list[str], stale_only: bool = False) -> int:
    """Return how many human (draft or reviewed) segments ``--retranslate`` would overwrite; with
    ``stale_only``, how many stale ones ``--replace-stale`` would.

    A stale segment counts by the state its translation had (a machine draft edited since is human).
    """
    checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
    if checked.release is None:
        return 0
    records = read_records(path)
    return sum(1 for lang in targets if lang != checked.release.source
               for pair in align(checked.release, lang, records).pairs
               if pair.source is not None and is_human(pair) and (pair.state == "stale" or not stale_only))
