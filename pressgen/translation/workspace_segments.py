"""The workspace's own translated texts as segments, paired per language: organisation names, short names,
"About" headings, taglines, addresses, boilerplates and contact roles of pressgen.yaml.

Below the check layer, so that check, ``build --final``, the distribution gate and status decide their
states as the review round trip (:mod:`pressgen.translation.workspace_review`) does.
"""

from __future__ import annotations

from typing import Any

from pressgen.translation.segments import Alignment, Pair, Record, localized_pair, read_records, with_ids
from pressgen.workspace.model import Workspace

__all__ = ["CONTACT_TEXTS", "ORGANIZATION_TEXTS", "source_language", "where", "workspace_alignment",
           "workspace_texts"]

ORGANIZATION_TEXTS = ("name", "short_name", "about", "tagline", "address", "boilerplate")
CONTACT_TEXTS = ("role",)


def source_language(workspace: Workspace) -> str:
    """The language the workspace's texts are translated from: the first of ``languages``."""
    return workspace.config.languages[0]


def workspace_texts(workspace: Workspace) -> list[tuple[str, tuple[str, str, str], Any]]:
    """Return (segment name, YAML path, value) of every organisation and contact text, in file order."""
    config = workspace.config
    out: list[tuple[str, tuple[str, str, str], Any]] = []
    for ident, organization in config.organizations.items():
        out += [(f"organizations.{ident}.{part}", ("organizations", ident, part), getattr(organization, part))
                for part in ORGANIZATION_TEXTS]
    for ident, contact in config.contacts.items():
        out += [(f"contacts.{ident}.{part}", ("contacts", ident, part), getattr(contact, part))
                for part in CONTACT_TEXTS]
    return out


def workspace_alignment(workspace: Workspace, lang: str, records: dict[str, list[Record]] | None = None
                        ) -> Alignment:
    """Pair each organisation and contact text of the source language with its ``lang`` translation.

    ``records`` are those of ``pressgen.segments.json`` (read strictly when not given: a damaged file is an
    :class:`InputError`, never read as none).
    """
    if records is None:
        records = read_records(workspace.config_path, strict=True)
    source = source_language(workspace)
    by_field: dict[str, list[Record]] = {}
    for record in records.get(lang, []):
        by_field.setdefault(record.field, []).append(record)
    pairs: list[Pair] = []
    for name, _, value in workspace_texts(workspace):
        if not isinstance(value, dict) or not isinstance(value.get(source), str) or not value[source].strip():
            continue  # the same in every language (a plain string), or nothing to translate from
        target = value.get(lang) if isinstance(value.get(lang), str) and value[lang].strip() else None
        pairs.append(localized_pair(name, value[source], target, by_field.get(name, []), []))
    return Alignment(lang, with_ids(pairs))


def _where(pair: Pair) -> str:
    kind, ident, part = pair.field.split(".", 2) if pair.field.count(".") >= 2 else ("", pair.field, "")
    what = {"organizations": "organisation", "contacts": "contact"}.get(kind, kind)
    return f"{what} {ident}, {part.replace('_', ' ')}"


def where(pair: Pair) -> str:
    """A workspace text's place in words: "organisation unric, tagline"."""
    return _where(pair)
