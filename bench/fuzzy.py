"""Fuzzy-match benchmark: look-ups in a memory the size of a large workspace, with and without the index.

    .venv/bin/python bench/fuzzy.py [--entries 20000] [--queries 200]

Prints the look-ups per second of MatchIndex.lookup (length bounds and shared tokens before the edit
distance) and of measuring every entry, and checks that both find the same matches.
"""

from __future__ import annotations

import argparse
import random
import time

from pressgen.translation.memory import MatchIndex
from pressgen.translation.similarity import FUZZY_THRESHOLD, similarity

VOCABULARY = ("de het een van en in op met voor aan door bij migratie migranten vluchtelingen stad steden "
              "gemeente burgemeester conferentie festival organisatie campagne ploeg deelnemers jaar mei "
              "december Brussel Mechelen Gent IOM VN UNRIC project steun informatie . , 2017 20 km").split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(8, 45)))


def variant(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 12)):
        words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(19)
    entries = [sentence(rng) for _ in range(args.entries)]
    index = MatchIndex()
    for number, text in enumerate(entries):
        index.add(text, f"t{number}", "memory")
    queries = [variant(rng, rng.choice(entries)) if i % 2 else sentence(rng) for i in range(args.queries)]
    start = time.perf_counter()
    indexed = [[m.percent for m in index.lookup(q, limit=len(entries))] for q in queries]
    fast = time.perf_counter() - start
    start = time.perf_counter()
    brute = [sorted((p for p in (similarity(q, e) for e in entries) if p >= FUZZY_THRESHOLD), reverse=True)
             for q in queries[:max(1, args.queries // 10)]]
    slow = (time.perf_counter() - start) * len(queries) / len(brute)
    assert indexed[:len(brute)] == brute, "the index must find what measuring every entry finds"
    print(f"{args.entries} entries, {len(queries)} look-ups: indexed {len(queries) / fast:.0f}/s, "
          f"every entry measured {len(queries) / slow:.1f}/s ({slow / fast:.0f}x), "
          f"{sum(map(bool, indexed))} look-ups with a match")


if __name__ == "__main__":
    main()
