"""The similarity measure of fuzzy matches: word-level edit distance, white space no change, 100 only for equals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pressgen.translation.similarity import similarity


def test_one_word_in_seven_changed_is_an_85_percent_match() -> None:
    assert similarity("Het festival start om 10 uur.", "Het festival start om 11 uur.") == 85


def test_white_space_is_not_a_change_and_case_is_half_a_change() -> None:
    assert similarity("Een  zin\nmet regels.", "Een zin met regels.") == 100
    assert similarity("Brussels is big", "brussels is big") == 83


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_the_measure_is_symmetric_bounded_and_100_only_for_the_same_words(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0 <= score <= 100 and score == similarity(b, a)
    assert (score == 100) == _same_tokens(a, b)


def _same_tokens(a: str, b: str) -> bool:
    from pressgen.translation.similarity import tokens

    return tokens(a) == tokens(b) and (bool(tokens(a)) or a.strip() == b.strip())
