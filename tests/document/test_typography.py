from __future__ import annotations

import pytest

from pressgen.document.typography import NBSP, NNBSP, typeset


@pytest.mark.parametrize("lang,text,expected", [
    ("nl", 'Hij zei "ja" en \'nee\'', "Hij zei “ja” en ‘nee’"),
    ("en", "the team's run", "the team’s run"),
    ("en", "migrants - and others", "migrants – and others"),
    ("fr", 'il dit "oui"', f"il dit «{NBSP}oui{NBSP}»"),
    ("fr", "« ENSEMBLE »", f"«{NBSP}ENSEMBLE{NBSP}»"),
    ("fr", "Embargo : pourquoi ? Voilà !", f"Embargo{NNBSP}: pourquoi{NNBSP}? Voilà{NNBSP}!"),
    ("fr", "l'OIM", "l’OIM"),
    ("fr", "https://un.org", "https://un.org"),
])
def test_typeset_follows_the_language(lang: str, text: str, expected: str) -> None:
    assert typeset(text, lang) == expected
