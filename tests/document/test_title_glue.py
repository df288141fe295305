"""A title's last line never holds one word, a closing guillemet counting with the word it closes."""

from __future__ import annotations

from pressgen.document.typography import NBSP, no_lone_last_word, typeset


def test_a_closing_guillemet_and_its_word_stay_with_the_word_before() -> None:
    title = typeset('Une campagne pour le respect des "migrants"', "fr")
    assert title.endswith("des «" + NBSP + "migrants" + NBSP + "»")  # typeset: no-break spaces inside
    glued = no_lone_last_word(title)
    assert glued.endswith("respect des" + NBSP + "«" + NBSP + "migrants" + NBSP + "»")
    assert glued.count(" ") == title.count(" ") - 1  # one breakable space less: the last one


def test_plain_titles_keep_their_rule() -> None:
    assert no_lone_last_word("Migrants: Removing the Stigma") == "Migrants: Removing the" + NBSP + "Stigma"
    assert no_lone_last_word("Two words") == "Two words"  # a title of two words stays as it is
