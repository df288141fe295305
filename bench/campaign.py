"""Make a synthetic campaign: N releases derived from the seed releases, in a fresh workspace."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


CAMPAIGN_SEEDS = ("iom-20km-brussels-2017", "iom-cities-migration-mechelen-2017", "unric-migrants-stigma-2014")


def make_campaign(target: Path, count: int) -> Path:
    """Write a workspace with ``count`` releases into ``target`` and return its path.

    Each release is a seed release with a numbered headline and campaign tags;
    translations keep a correct source_hash, so they stay reviewed.
    """
    from pressgen import load_workspace
    from pressgen.check import check_release, release_languages
    from pressgen.translation.translate import translate_release

    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("releases", "dist", ".pressgen"))
    releases = target / "releases"
    releases.mkdir()
    # The three seeds of the first benchmarks, so figures stay comparable as seeds are added.
    seeds = [SEEDS / "releases" / f"{name}.yaml" for name in CAMPAIGN_SEEDS]
    workspace = load_workspace(target)
    for number in range(count):
        text = seeds[number % len(seeds)].read_text(encoding="utf-8")
        text = re.sub(r'^(    headline: "?)(.*?)("?)$', rf"\g<1>\g<2> #{number}\g<3>", text, flags=re.M)
        text = re.sub(r"^tags: \[(.*)\]$", rf"tags: [\1, campaign, wave-{number % 4}]", text, flags=re.M)
        path = releases / f"campaign-{number:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        checked = check_release(path, workspace)
        assert checked.release is not None, [d.format() for d in checked.diagnostics]
        fresh = checked.release.source_hash()
        path.write_text(re.sub(r'source_hash: "[0-9a-f]+"', f'source_hash: "{fresh}"', text), encoding="utf-8")
        # The segment records, as a translator's would be: every translation reviewed against this source
        # (facts and photo texts included); 'translate --adopt' sends nothing.
        others = [lang for lang in release_languages(checked.release, workspace.config)
                  if lang != checked.release.source]
        translate_release(path, workspace, others, adopt=True)
    return target
