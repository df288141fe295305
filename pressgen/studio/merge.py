"""Field-level merge of a save made from an older version of a release.

A page sends, with its fields, the version (``base``) it was made from and the fields' values as it
showed them (``original``). When the file changed since, each field is merged three ways, as the
values a page opened now would show (``theirs``): a field only one side changed takes that side's
value; a field both changed to different texts is a conflict, shown with both texts and never saved
over. Fields are keyed as the page's script keys them: a field's name, and ``name=value`` for a tick box.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import lxml.html

Value = str | bool
SKIPPED = ("csrf", "base", "original")


@dataclass
class PageFields:
    """The save form's fields as a page shows them: values, and each field's label."""

    values: dict[str, Value] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def page_fields(html: str | bytes) -> PageFields:
    """The save form's fields of a rendered release page."""
    document = lxml.html.fromstring(html)
    found = PageFields()
    forms = [f for f in document.forms if (f.action or "").endswith("/save")]
    if not forms:
        return found
    labels = {label.get("for"): " ".join(label.text_content().split()) for label in document.iter("label")
              if label.get("for")}
    for element in forms[0].inputs:
        if any(a.tag == "template" for a in element.iterancestors()):
            continue  # a row's template (the script adds a row from it), not a field of the page
        name = element.get("name")
        kind = (element.get("type") or "").lower()
        if not name or name in SKIPPED or kind in ("hidden", "file", "submit", "button"):
            continue
        if kind == "checkbox":
            key, value = f"{name}={element.get('value') or 'on'}", element.checked
        else:
            key, value = name, element.value or ""
            if element.tag == "textarea":
                value = element.text_content() or ""
        found.values[key] = value if isinstance(value, bool) else str(value)
        wrapping = next((a for a in element.iterancestors("label")), None)
        label = labels.get(element.get("id")) or (" ".join(wrapping.text_content().split()) if wrapping is not None
                                                   else "")
        found.labels[key] = label or name
    return found


def submitted(form_items: list[tuple[str, str]], keys: set[str]) -> dict[str, Value]:
    """The values a form sent, keyed like :func:`page_fields` (a tick box not sent is not ticked)."""
    values: dict[str, Value] = {}
    sent: dict[str, list[str]] = {}
    for name, value in form_items:
        sent.setdefault(name, []).append(value)
    for key in keys:
        if "=" in key and not key.startswith(("text.", "segment.", "fact.", "image.")):
            name, value = key.split("=", 1)
            values[key] = value in sent.get(name, [])
        elif key in sent:
            values[key] = sent[key][-1]
    for name, found in sent.items():  # fields the page had that the newer one does not know
        if name not in SKIPPED and name not in values and not any(k.startswith(f"{name}=") for k in keys):
            values[name] = found[-1]
    return values


def _same(a: Value | None, b: Value | None) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()
    return a == b


@dataclass
class Merged:
    values: dict[str, Value]  # what to save: every field of the page opened now, merged
    conflicts: list[str]  # keys changed on both sides to different values
    theirs_changed: list[str]  # keys taken from the other side


def three_way(original: Mapping[str, Value] | None, mine: Mapping[str, Value], theirs: Mapping[str, Value]) -> Merged:
    """Merge field by field. Without ``original`` (a page without its script), every field whose
    submitted value differs from the file's now is a conflict."""
    merged: dict[str, Value] = {}
    conflicts: list[str] = []
    taken: list[str] = []
    for key in dict.fromkeys([*theirs, *mine]):
        m, t = mine.get(key), theirs.get(key)
        o = original.get(key) if original is not None else t
        if m is None:  # not sent: the page never showed it
            if t is not None:
                merged[key] = t
            continue
        if t is None:
            if o is None:  # a row this page added (a second fact, a photo): neither side had it
                if not _same(m, ""):
                    merged[key] = m
            elif not _same(m, o):  # the field is gone from the file now (a paragraph of the source changed)
                conflicts.append(key)
            continue
        if _same(m, t):
            merged[key] = m
        elif original is not None and _same(m, o):
            merged[key] = t
            taken.append(key)
        elif original is not None and _same(t, o):
            merged[key] = m
        else:
            conflicts.append(key)
            merged[key] = m
    return Merged(merged, conflicts, taken)


def as_form(values: Mapping[str, Value]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Merged values back as a form: text fields, and the ticked values of each tick-box name."""
    fields: dict[str, str] = {}
    ticked: dict[str, list[str]] = {}
    for key, value in values.items():
        if isinstance(value, bool):
            name, box = key.split("=", 1)
            ticked.setdefault(name, [])
            if value:
                ticked[name].append(box)
                if name == "all_reviewed":
                    fields[name] = box
        else:
            fields[key] = value
    return fields, ticked
