"""The checks a translated segment passes before pressgen writes it, wherever it comes from.

A returned XLIFF or DOCX unit is checked against its source in
:mod:`pressgen.translation.writeback`; a memory match (a pair imported from TMX,
or one the memory kept) is Markdown typed as plain text, like an untagged unit,
and :func:`segment_problems` applies the same checks to it: what the unit import
refuses (unbalanced markup, link targets, superscripts, list lines, characters a
document cannot hold) and what ``check`` would then refuse in the release (a
``###`` heading, a second paragraph in one segment, a line break in a one-line
field).
"""

from __future__ import annotations

from pressgen.document.inline import markdown_problems
from pressgen.document.markup import PARAGRAPH_BREAK, parse
from pressgen.translation.segments import SEGMENTED
from pressgen.workspace.yamledit import unwritable


def segment_problems(text: str, source: str, field: str | None = None) -> list[str]:
    """Return why ``text`` cannot be the translation of the segment ``source``; empty when it can.

    ``field`` is the segment's field (headline, body, …); None when it is not known (a TMX
    pair, which may be used for any field): then what no field accepts.
    """
    found = []
    if (reason := unwritable(text)) is not None:
        found.append(reason)
    core, source_core = text.strip("\n"), source.strip("\n")
    if PARAGRAPH_BREAK.search(core) and not PARAGRAPH_BREAK.search(source_core):
        found.append("it has more than one paragraph for one segment")
    elif "\n" in core and (field is not None and field not in SEGMENTED or "\n" not in source_core):
        found.append("it has a line break the source does not have" if field is None or field in SEGMENTED
                     else f"it has a line break, and a {field} is one line")
    if field is None or field in SEGMENTED:
        found += [problem.message for problem in parse(core)[1]]
        found += markdown_problems(core, source_core)
    elif (source_core.lstrip()[:1] != "#") and core.lstrip().startswith("#"):
        found.append(f"it starts with '#', and a {field} is not a heading")
    return list(dict.fromkeys(found))
