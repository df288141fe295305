"""One decider of a language's state: status, check --strict, build --final and the draft mark agree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from helpers import SEEDS, replace_once
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressgen.cli import cli as main

RELEASE = "iom-20km-brussels-2017"
NOTES = ("    notes: Voor interviewaanvragen of voor meer informatie kunt u contact opnemen met de "
         "persverantwoordelijke hieronder.\n")


def _verdicts(workspace: Path) -> dict[str, dict[str, bool]]:
    """For each command, language -> whether it treats the language as current (publishable as it is)."""
    runner = CliRunner()
    path = str(workspace / "releases" / f"{RELEASE}.yaml")
    status = runner.invoke(main, ["status", path, "--json"], catch_exceptions=False)
    row = json.loads(status.output)["releases"][0]["languages"]
    check = runner.invoke(main, ["check", "--strict", path], catch_exceptions=False)
    unreviewed = set(re.findall(r"error: (\w+) text is \w+: not reviewed", check.output))
    out = workspace / "out"
    shutil.rmtree(out, ignore_errors=True)
    runner.invoke(main, ["build", "--final", "--format", "docx", "--out", str(out), path], catch_exceptions=False)
    built = {p.name.split(".")[-2] for p in out.rglob("*.docx")}
    langs = ("nl", "fr", "en")
    return {"status": {lang: row[lang] in ("source", "reviewed") for lang in langs},
            "check --strict": {lang: lang not in unreviewed for lang in langs},
            "build --final": {lang: lang in built for lang in langs}}


def _edit(workspace: Path, old: str, new: str) -> None:
    replace_once(workspace / "releases" / f"{RELEASE}.yaml", old, new)


def test_a_source_field_rewritten_as_a_block_with_the_same_words_is_judged_alike(workspace: Path) -> None:
    # The reproduction: the Dutch notes as a '|' block, the same words. status said reviewed, check gave no
    # warning, and build --final refused fr and en as stale (it read the block's source_hash alone).
    _edit(workspace, NOTES, "    notes: |\n      " + NOTES.split("notes: ")[1])
    verdicts = _verdicts(workspace)
    assert verdicts["status"] == verdicts["check --strict"] == verdicts["build --final"], verdicts
    assert verdicts["status"] == {"nl": True, "fr": True, "en": True}


EDITS = {
    "notes as a block": (NOTES, "    notes: |\n      " + NOTES.split("notes: ")[1]),
    "a source word": ("deel aan de 20 km door Brussel", "deel aan de 20 km door de hoofdstad"),
    "a translator's word": ("Les Nations Unies", "Les Nations unies"),
    "fr set to machine": ("  fr:\n    status: reviewed", "  fr:\n    status: machine"),
    "en set to draft": ("  en:\n    status: reviewed", "  en:\n    status: draft"),
    "a fingerprint dropped": ('  en:\n    status: reviewed\n    source_hash: "a09182ed3f2c"\n',
                              "  en:\n    status: reviewed\n"),
    "a blank line in the body": ("    body: |\n", "    body: |\n\n"),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), unique=True, max_size=3),
       sidecar=st.booleans())
def test_status_check_strict_and_build_final_agree_for_any_edit(tmp_path_factory, edits: list[str],  # type: ignore[no-untyped-def]
                                                                 sidecar: bool) -> None:
    workspace = tmp_path_factory.mktemp("ws")
    shutil.rmtree(workspace)
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    for name in edits:
        old, new = EDITS[name]
        path = workspace / "releases" / f"{RELEASE}.yaml"
        if old in path.read_text(encoding="utf-8"):
            _edit(workspace, old, new)
    if not sidecar:
        (workspace / "releases" / f"{RELEASE}.segments.json").unlink()
    verdicts = _verdicts(workspace)
    assert verdicts["status"] == verdicts["check --strict"] == verdicts["build --final"], (edits, sidecar, verdicts)
