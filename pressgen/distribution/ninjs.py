"""IPTC ninjs (news in JSON, version 1.4 field names) for news agencies: one document per release and language.

See https://iptc.org/standards/ninjs/. Written by ``pressgen publish`` beside each page
(``nl/RELEASE.json``); an embargoed release's document is only in its preview folder, with
``pubstatus: withheld`` and its ``embargoed`` time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_1.4.json"  # the field names followed


@dataclass(frozen=True)
class Rendition:
    """One file of the item: a PDF, a DOCX, a photo size."""

    name: str
    href: str
    mimetype: str
    size: int | None = None
    width: int | None = None
    height: int | None = None
    title: str | None = None


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ninjs(*, uri: str, language: str, headline: str, subheadline: str | None, body_html: str, summary: str,
          version: int, first_created: dt.datetime, version_created: dt.datetime, embargoed: dt.datetime | None,
          withheld: bool, byline: str, located: str | None, subjects: list[str], renditions: list[Rendition],
          ednote: str | None = None, draft: bool = False) -> bytes:
    """Return the ninjs JSON document of one release in one language (UTF-8, keys sorted)."""
    item: dict[str, Any] = {
        "profile": "pressgen-release",
        "uri": uri,
        "type": "text",
        "mimetype": "text/html",
        "representationtype": "complete",
        "version": str(version),
        "firstcreated": _stamp(first_created),
        "versioncreated": _stamp(version_created),
        "pubstatus": "withheld" if withheld else "usable",
        "language": language,
        "headline": headline,
        "body_html": body_html,
        "description_text": summary,
        "by": byline,
        "copyrightholder": byline,
        "subject": [{"name": name} for name in subjects],
        "renditions": {r.name: {key: value for key, value in (
            ("href", r.href), ("mimetype", r.mimetype), ("sizeinbytes", r.size), ("width", r.width),
            ("height", r.height), ("title", r.title)) if value is not None} for r in renditions},
    }
    if subheadline:
        item["description_text"] = f"{subheadline}\n\n{summary}" if summary else subheadline
    if embargoed is not None:
        item["embargoed"] = _stamp(embargoed)
    if located:
        item["located"] = located
    notes = [note for note in (ednote, "draft: not reviewed" if draft else None) if note]
    if notes:
        item["ednote"] = " ".join(notes)
    return (json.dumps(item, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
