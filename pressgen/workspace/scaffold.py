"""`pressgen new`: the text of a fresh release file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pressgen.errors import UsageError
from pressgen.files import ChangedOnDisk, replace_verified
from pressgen.workspace.load import PLACEHOLDER, RELEASE_ID
from pressgen.workspace.model import Workspace

TEMPLATE = """\
# Release {id}. Text fields take Markdown: **bold**, *italic*, [links](https://…),
# ^superscript^, lists, > quotes (a last line "> — Name" is the attribution),
# "## Intertitle" and | pipe | tables | of key figures. Check it with: pressgen check {path}
# Write the {source} text, then draft the other languages with
# 'pressgen translate {id} --to {others}', or export them for translators with
# 'pressgen review export {id} --lang LANG'.
organization: {org}
date: {date}
# embargo: {date}T10:00:00+01:00     # optional: not for publication before
source: {source}
contacts: [{contacts}]
tags: []
# facts:                          # optional: a small block under the date
#   - label: {{nl: Actiedomein, fr: Domaine d’action, en: Field of action}}
#     value: {{nl: Alle domeinen, fr: Tous les domaines, en: All fields}}
# images:                         # optional: photos, PNG or JPEG files in assets/
#   - file: assets/photo.jpg
#     alt: {{nl: …, fr: …, en: …}}    # what the photo shows, read out by screen readers
#     caption: {{nl: …, fr: …, en: …}}
#     credit: Name / Agency
#     placement: end              # default: after the lead paragraph
text:
{blocks}"""

BLOCK = """\
  {lang}:
    headline: {placeholder} headline
    dateline: {placeholder} place
    body: |
      {placeholder} First paragraph: who, what, when, where. The dateline opens it.

      {placeholder} Second paragraph.
"""



def new_release(workspace: Workspace, release_id: str, org: str | None, source: str | None,
                today: dt.date | None = None) -> Path:
    """Write ``releases/RELEASE_ID.yaml`` in ``workspace`` and return its path.

    Raises :class:`UsageError` for a bad id, an unknown organisation or language,
    or an existing file (never overwritten).
    """
    config = workspace.config
    if not RELEASE_ID.match(release_id):
        raise UsageError(f"release id '{release_id}' is not allowed: use lower-case letters, digits, '-', '_', '.'")
    org = org or next(iter(config.organizations))
    if org not in config.organizations:
        raise UsageError(f"unknown organization '{org}' (known: {', '.join(config.organizations)})")
    source = source or config.languages[0]
    if source not in config.languages:
        raise UsageError(f"source language '{source}' is not in pressgen.yaml languages")
    path = workspace.root / "releases" / f"{release_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; pressgen new never overwrites a release")
    contacts = [cid for cid, c in config.contacts.items() if c.organization == org]
    # Only the source language: the others come from 'translate' or a translator, and until they
    # do, check says they are missing (a placeholder marked draft would pass for a translation).
    others = ",".join(lang for lang in config.languages if lang != source) or "LANG"
    text = TEMPLATE.format(id=release_id, path=path.relative_to(workspace.root), org=org,
                           date=(today or dt.date.today()).isoformat(), source=source, others=others,
                           contacts=", ".join(contacts), blocks=BLOCK.format(lang=source, placeholder=PLACEHOLDER))
    try:
        replace_verified(path, text.encode(), new=True)  # created meanwhile: still never overwritten
    except ChangedOnDisk:
        raise UsageError(f"{path} already exists; pressgen new never overwrites a release") from None
    return path
