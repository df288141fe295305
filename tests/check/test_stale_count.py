"""A stale translation's count says how many of the source's segments changed, never more than there are;
translated segments whose source was deleted are named on their own."""

from __future__ import annotations

import re
from pathlib import Path

from pressgen.check import check_files

RELEASE = "iom-20km-brussels-2017"


def test_a_body_rewritten_shorter_counts_its_segments_and_its_orphans(workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    # The Dutch body (9 paragraphs, translated and reviewed) rewritten as 2 new paragraphs.
    body = re.search(r"(?ms)^    body: \|\n(.*?)^    notes:", text)
    assert body is not None
    path.write_text(text.replace(body.group(1), "      Een nieuwe eerste alinea.\n\n      Een tweede.\n", 1),
                    encoding="utf-8")
    said = {p.stem: [d.message for d in diagnostics] for p, diagnostics in check_files([path], remember=False)}
    stale = [m for m in said[RELEASE] if m.startswith("fr text is stale")]
    assert stale, said
    counts = re.search(r"\((\d+) of (\d+) segments? changed in the source", stale[0])
    assert counts is not None, stale[0]
    assert int(counts.group(1)) <= int(counts.group(2)), stale[0]
    assert "segment(s)" not in stale[0]
    assert "7 translated segments whose source was deleted" in stale[0], stale[0]
