"""Localize stage: one language's fully resolved view of a release.

Both writers read only a :class:`DocumentView`; every label, formatted date,
phone number and contact line is decided here, once, so the DOCX and the PDF
of a language cannot say different things.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_timezone
from babel.support import Translations

from pressgen.document import markup
from pressgen.document.hyphenation import Rules, break_table, names_of
from pressgen.document.markup import Block, Paragraph, Strong, Text
from pressgen.document.typography import NBSP, french_contractions, no_lone_last_word, typeset
from pressgen.errors import Diagnostic, RenderError
from pressgen.workspace.contactinfo import format_phone, is_mobile, phone_link, region_of, website_display
from pressgen.workspace.labels import format_pattern, translations
from pressgen.workspace.model import Config, Contact, Organization, Release, Workspace, pick


@dataclass(frozen=True)
class Labels:
    """Every fixed word of a document, from the gettext catalogs."""

    kind: str
    end_mark: str
    about: str
    notes: str
    contacts: str
    draft: str
    page_before: str
    page_between: str
    page_after: str


@dataclass(frozen=True)
class ContactLine:
    """One line of a contact entry; ``role`` is name, role, organization, email, phone or website.

    ``label`` ("E-mail:", "GSM:") stands before the text; only the text is the link.
    """

    role: str
    text: str
    href: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class OrgView:
    name: str
    short_name: str
    tagline: str | None
    logo: Path | None
    logo_src: str | None  # the logo's URL in the printed page (images.workspace_url)
    website_url: str | None
    website: str | None
    address: str | None
    color: str


@dataclass(frozen=True)
class ImageView:
    """A photo as both writers place it: the file, its words in the document's language, where it goes."""

    path: Path
    src: str  # its URL in the printed page (images.workspace_url): the same wherever the workspace is
    alt: str
    caption: str | None
    credit: str | None  # "Photo: Unia / Jan Peeters", the label in the document's language
    placement: str
    width_px: int
    height_px: int


@dataclass(frozen=True)
class DocumentView:
    """One release in one language, ready to be written in any format.

    Templates get it as :func:`pressgen.writers.html.template_view` makes it: each ``Path`` (the
    logo, the photos, the workspace) a URL and a name, nothing that opens a file.
    """

    release_id: str
    lang: str
    locale: str
    language_tag: str
    org: OrgView
    labels: Labels
    date: str
    embargo: str | None
    release_line: str  # the embargo line, or "For immediate release" when there is none
    headline: str
    subheadline: str | None
    body: tuple[Block, ...]
    facts: tuple[tuple[str, str], ...]  # (label with its colon, value), under the date
    images: tuple[ImageView, ...]
    boilerplate: tuple[Block, ...]
    notes: tuple[Block, ...]
    contacts: tuple[tuple[ContactLine, ...], ...]
    draft: bool
    keywords: str  # the release's tags, the documents' Keywords
    hyphenation: Rules  # the words the body never breaks, the phrases set in another language
    created: dt.datetime
    workspace_root: Path
    lead_length: int = 1  # the body's blocks before the photos placed 'lead' (the PDF writer may add one)

    @property
    def title(self) -> str:
        """The document title of both formats: the headline (its no-break spaces plain), cut to what
        DOCX properties hold."""
        return clip(self.headline.replace(NBSP, " "))

    @property
    def author(self) -> str:
        return clip(self.org.name)

    def images_at(self, placement: str) -> tuple[ImageView, ...]:
        """The photos placed after the lead paragraph ('lead') or before the end mark ('end')."""
        return tuple(image for image in self.images if image.placement == placement)

    @property
    def lead(self) -> tuple[Block, ...]:
        """The body's first block (``lead_length`` blocks): the photos placed 'lead' follow it."""
        return self.body[:self.lead_length]

    @property
    def rest(self) -> tuple[Block, ...]:
        return self.body[self.lead_length:]

    @property
    def footer_line(self) -> str:
        """The page footer's fixed text (page numbering is added by each writer)."""
        return " · ".join(part for part in (self.org.address, self.org.website) if part)


PROPERTY_LIMIT = 255  # characters of a DOCX core property


def clip(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def language_tag(locale: str) -> str:
    """Return the BCP 47 tag of a Babel locale (``nl_BE`` -> ``nl-BE``)."""
    return str(Locale.parse(locale)).replace("_", "-")


def long_date(date: dt.date, locale: str) -> str:
    """Return ``date`` in the locale's long form; French writes the 1st as ``1er``."""
    text = format_date(date, "long", locale=locale)
    # CLDR has no ordinal day for French; "1er mars" is the written convention.
    if Locale.parse(locale).language == "fr" and date.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def embargo_time(when: dt.datetime, locale: str, t: Translations) -> str:
    """The embargo's time as the language's press writes it: "10 h" / "9 h 30", "10.00 uur", "10:00".

    The patterns are CLDR patterns from the catalogs (i18n.PATTERN_CONTEXTS), one
    for a time on the hour and one with minutes, so French can leave out ":00".
    """
    if when.minute == 0:
        # TRANSLATORS: a CLDR time pattern for an embargo on the hour (fr: "H 'h'", nl: "HH.mm 'uur'").
        pattern = t.pgettext("embargo time on the hour", "HH:mm")
    else:
        # TRANSLATORS: a CLDR time pattern for an embargo with minutes (fr: "H 'h' mm", nl: "HH.mm 'uur'").
        pattern = t.pgettext("embargo time with minutes", "HH:mm")
    # Any CLDR field may be used ("EEEE HH.mm 'uur'"); a pattern Babel refuses is a catalog error of 'check'.
    return format_pattern(when, str(pattern), locale)


def embargo_moment(when: dt.datetime, locale: str, timezone: str | None, t: Translations) -> tuple[str, str]:
    """The embargo's moment in the workspace's time zone ("26 May 2017 at 10:00") and that zone's name
    ("Central European Summer Time"; without a time zone setting, the offset as typed: "UTC+02:00")."""
    if timezone:
        zone = get_timezone(timezone)
        when = when.astimezone(zone)
        zone_name = format_time(when, "zzzz", tzinfo=zone, locale=locale)
    else:  # the offset as typed, written the same way in every language
        offset = when.strftime("%z")
        zone_name = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    # TRANSLATORS: the moment of an embargo, e.g. "26 May 2017 at 10:00"; date and time come formatted.
    moment = t.gettext("%(date)s at %(time)s") % {
        "date": long_date(when.date(), locale),
        "time": embargo_time(when, locale, t),
    }
    return moment, zone_name


def _embargo_text(when: dt.datetime, locale: str, timezone: str | None, t: Translations) -> str:
    gettext = t.gettext
    moment, zone_name = embargo_moment(when, locale, timezone, t)
    # TRANSLATORS: the embargo line under the date; zone is the time zone's name, e.g. "Central European Time".
    return gettext("Embargo: not for publication before %(moment)s (%(zone)s)") % {
        "moment": moment, "zone": zone_name}


def about_heading(org: Organization, lang: str, t: Translations) -> str:
    """The boilerplate's heading: the organisation's own words, else the catalog's with its short name.

    French contracts "de" before a vowel or mute h and with an article ("À propos d’Unia", "du", "des").
    """
    own = pick(org.about, lang)
    if own:
        return own
    short = pick(org.short_name, lang, fallback=True) or pick(org.name, lang, fallback=True) or ""
    # TRANSLATORS: heading of the boilerplate paragraph about the organisation (its short name).
    heading = t.gettext("About %(organization)s") % {"organization": short}
    return french_contractions(heading) if lang == "fr" else heading


def _kind_label(kind: str, t: Translations) -> str:
    _ = t.gettext
    # TRANSLATORS: the kind of document, printed above the date (e.g. "Persbericht", "Communiqué de presse").
    labels = {"press-release": _("Press release"),
              # TRANSLATORS: the kind of document above the date: news (a digest, an update), not a release.
              "news": _("News"),
              # TRANSLATORS: the kind of document above the date: an invitation for the press to an event.
              "media-advisory": _("Media advisory"),
              # TRANSLATORS: the kind of document above the date: the organisation's position on something.
              "statement": _("Statement")}
    return labels[kind]


def _end_mark(style: str, t: Translations) -> str:
    if style == "ends":
        # TRANSLATORS: the mark that ends the text of a release, in words ("– EINDE –", "– FIN –").
        return t.gettext("– ENDS –")
    # TRANSLATORS: the mark that ends the text of a release.
    return t.gettext("###")


def _labels(t: Translations, about: str, contact_count: int, kind: str = "press-release",
            end_mark: str = "###") -> Labels:
    _ = t.gettext
    # Page numbering is split around its numbers so each writer can insert live counters.
    # TRANSLATORS: page numbering in the footer of every page; keep both placeholders.
    page = _("Page %(page)s of %(pages)s")
    before, rest = page.split("%(page)s", 1) if "%(page)s" in page else (page + " ", "%(pages)s")
    between, after = rest.split("%(pages)s", 1) if "%(pages)s" in rest else (rest, "")
    return Labels(
        kind=_kind_label(kind, t),
        end_mark=_end_mark(end_mark, t),
        about=about,
        # TRANSLATORS: heading of the notes for journalists after the release's text.
        notes=_("Notes to editors"),
        # TRANSLATORS: heading of the contact block; the number of contacts decides the form.
        contacts=t.ngettext("Press contact", "Press contacts", contact_count),
        # TRANSLATORS: the mark on a translation that nobody has reviewed yet.
        draft=_("Draft – not reviewed"),
        page_before=before,
        page_between=between,
        page_after=after,
    )


def _contact_lines(contact: Contact, lang: str, workspace: Workspace, region: str | None,
                   t: Translations) -> tuple[ContactLine, ...]:
    config = workspace.config
    org = config.organizations.get(contact.organization) if contact.organization else None
    lines = [ContactLine("name", contact.name)]
    if (role := pick(contact.role, lang, fallback=True)):
        lines.append(ContactLine("role", role))
    if org:
        lines.append(ContactLine("organization", pick(org.name, lang, fallback=True) or ""))
    if contact.email:
        # TRANSLATORS: the label before a press contact's e-mail address.
        lines.append(ContactLine("email", contact.email, f"mailto:{contact.email}", t.gettext("E-mail:")))
    # TRANSLATORS: the label before a mobile phone number ("GSM:" in Belgium).
    mobile = t.gettext("Mobile:")
    # TRANSLATORS: the label before a landline (or any other) phone number.
    landline = t.gettext("Tel.:")
    for phone in contact.phones:
        lines.append(ContactLine("phone", _unbreakable(format_phone(phone, region)), phone_link(phone, region),
                                 mobile if is_mobile(phone, region) else landline))
    website = contact.website or (org.website if org else None)
    if website:
        lines.append(ContactLine("website", website_display(website), website))
    return tuple(ContactLine(line.role, line.text if line.role == "phone" else typeset(line.text, lang), line.href,
                             typeset(line.label, lang) if line.label else None) for line in lines)


def _unbreakable(number: str) -> str:
    """A phone number whose spaces do not break: it never spans two lines."""
    return number.replace(" ", NBSP)


def _org_view(org: Organization, lang: str, root: Path) -> OrgView:
    from pressgen.workspace.images import workspace_url

    name = pick(org.name, lang, fallback=True) or ""
    logo = (root / org.logo).resolve() if org.logo else None
    return OrgView(
        name=name,
        short_name=pick(org.short_name, lang, fallback=True) or name,
        tagline=pick(org.tagline, lang, fallback=True),
        logo=logo,
        logo_src=workspace_url(root, logo) if logo else None,
        website_url=org.website,
        website=website_display(org.website) if org.website else None,
        address=pick(org.address, lang, fallback=True),
        color=org.brand.color,
    )


def _images(release: Release, lang: str, root: Path, t: Translations) -> tuple[ImageView, ...]:
    from pressgen.workspace.images import pixel_size, workspace_url

    views = []
    for image in release.images:
        path = (root / image.file).resolve()
        width, height = pixel_size(path)
        caption = pick(image.caption, lang, fallback=True)
        # TRANSLATORS: the credit of a photo under its caption, e.g. "Photo: Unia / Jan Peeters".
        credit = t.gettext("Photo: %(credit)s") % {"credit": image.credit} if image.credit else None
        views.append(ImageView(path, workspace_url(root, path),
                               typeset(pick(image.alt, lang, fallback=True) or "", lang),
                               typeset(caption, lang) if caption else None,
                               typeset(credit, lang) if credit else None, image.placement, width, height))
    return tuple(views)


def _facts(release: Release, lang: str, t: Translations) -> tuple[tuple[str, str], ...]:
    # TRANSLATORS: a label of the facts block under the date, before its value ("Field of action:").
    return tuple((typeset(t.gettext("%(label)s:") % {"label": pick(fact.label, lang, fallback=True) or ""}, lang),
                  typeset(pick(fact.value, lang, fallback=True) or "", lang)) for fact in release.facts)


def _typeset_blocks(blocks: tuple[Block, ...], lang: str) -> tuple[Block, ...]:
    return markup.map_text(blocks, lambda text: typeset(text, lang))


def _parse(text: str | None, lang: str) -> tuple[Block, ...]:
    if not text:
        return ()
    blocks, _ = markup.parse(text)
    return _typeset_blocks(blocks, lang)


def _with_dateline(body: tuple[Block, ...], dateline: str | None) -> tuple[Block, ...]:
    """Open the first paragraph with "(Place) – "."""
    if not dateline:
        return body
    opening = (Strong((Text(f"({dateline})"),)), Text(" – "))
    if body and isinstance(body[0], Paragraph):
        return (Paragraph(opening + body[0].children), *body[1:])
    return (Paragraph(opening), *body)


def _hyphenation(config: Config, lang: str) -> Rules:
    orgs = config.organizations.values()
    names = names_of([o.name for o in orgs] + [o.short_name for o in orgs], config.hyphenation.names)
    foreign = tuple((phrase, language_tag(config.locale_for(other)))
                    for other, phrases in config.hyphenation.foreign.items() if other != lang for phrase in phrases)
    return Rules(names, foreign, lang=lang, breaks=break_table(lang, config.hyphenation.breaks))


def localize(release: Release, workspace: Workspace, lang: str, *, draft: bool) -> DocumentView:
    """Return the resolved view of ``release`` in ``lang``.

    ``draft`` puts the "draft – not reviewed" mark on the document: the caller
    asks :mod:`pressgen.translation.state`, the one decider of a language's state.
    Raises :class:`RenderError` when the language has no text or no label catalog.
    """
    if lang not in release.text:
        raise RenderError(f"{release.id}: no '{lang}' text", [Diagnostic(
            release.path, 1, 1, f"language '{lang}' has no text",
            f"add a '{lang}:' block under 'text', or leave '{lang}' out of the build")])
    config = workspace.config
    locale = config.locale_for(lang)
    t = translations(workspace.root, lang)
    text = release.text[lang]
    org = config.organizations[release.organization]
    org_view = _org_view(org, lang, workspace.root)
    contacts = [config.contacts[c] if isinstance(c, str) else c for c in release.contacts]
    region = region_of(config.home_locale())
    embargo = typeset(_embargo_text(release.embargo, locale, config.timezone, t), lang) if release.embargo else None
    return DocumentView(
        release_id=release.id,
        lang=lang,
        locale=locale,
        language_tag=language_tag(locale),
        org=org_view,
        labels=_labels(t, about_heading(org, lang, t), len(contacts), release.kind, org.end_mark),
        date=long_date(release.date, locale),
        embargo=embargo,
        # TRANSLATORS: the release line under the date of a release without an embargo.
        release_line=embargo or typeset(t.gettext("For immediate release"), lang),
        headline=no_lone_last_word(typeset(text.headline.strip(), lang)),
        subheadline=no_lone_last_word(typeset(text.subheadline.strip(), lang)) if text.subheadline else None,
        body=_with_dateline(_parse(text.body, lang), text.dateline.strip() if text.dateline else None),
        facts=_facts(release, lang, t),
        images=_images(release, lang, workspace.root, t),
        boilerplate=_parse(pick(org.boilerplate, lang), lang),
        notes=_parse(text.notes, lang),
        contacts=tuple(_contact_lines(c, lang, workspace, region, t) for c in contacts),
        draft=draft,
        keywords=", ".join(release.tags),
        hyphenation=_hyphenation(config, lang),
        created=release.created,
        workspace_root=workspace.root,
    )
