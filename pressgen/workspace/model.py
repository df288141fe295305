"""The validated model of a workspace (pressgen.yaml) and of a release file.

Field types and shapes live here; checks that span files (an organisation id
that must exist, a language that must have a locale) live in :mod:`pressgen.workspace.load`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pressgen.formats import DEFAULT_FORMATS, unknown_format

# A text field is one string (the same in every language) or language -> string.
LocalText = str | dict[str, str]

Status = Literal["machine", "draft", "reviewed"]
LANGUAGE_CODE = r"^[a-z]{2,3}$"
LanguageCode = Annotated[str, Field(pattern=LANGUAGE_CODE)]
TranslationStatus = Literal["source", "reviewed", "machine", "draft", "stale", "missing"]


FALLBACK_LANGUAGE = "en"
PLAUSIBLE_YEARS = (1000, 9998)


def pick(text: LocalText | None, lang: str, fallback: bool = False) -> str | None:
    """Return the ``lang`` version of a text field, or None when it has none.

    With ``fallback``, a field without that language gives its English version,
    else its first one: an organisation's name is better shown in another
    language than left out, while a boilerplate is better left out.
    """
    if text is None or isinstance(text, str):
        return text
    if lang in text or not fallback:
        return text.get(lang)
    return text.get(FALLBACK_LANGUAGE) or next(iter(text.values()), None)


def _known_format(name: str) -> str:
    if (problem := unknown_format(name)) is not None:
        raise ValueError(problem)
    return name


FormatName = Annotated[str, AfterValidator(_known_format)]  # a row of pressgen.formats


def _distinct(values: list[str]) -> list[str]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"listed more than once: {', '.join(duplicates)}")
    return values


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(Strict):
    color: str = Field("#0033A0", pattern=r"^#[0-9A-Fa-f]{6}$")


class Organization(Strict):
    name: LocalText
    short_name: LocalText | None = None
    about: LocalText | None = None  # the boilerplate's heading, written out ("À propos d’Unia")
    tagline: LocalText | None = None
    logo: str | None = None
    website: str | None = None
    address: LocalText | None = None
    boilerplate: LocalText | None = None
    brand: Brand = Brand(color="#0033A0")
    # The mark that ends a release's text: "###" (the default, as US and UN releases), or "ends":
    # "– ENDS –" / "– FIN –" / "– EINDE –", the catalogs' words.
    end_mark: Literal["###", "ends"] = "###"


class Contact(Strict):
    name: str
    organization: str | None = None
    role: LocalText | None = None
    email: str | None = None
    phones: list[str] = []
    website: str | None = None


Provider = Literal["google", "mymemory", "deepl", "libre"]


class TranslationSettings(Strict):
    """How ``pressgen translate`` reaches its machine translation provider."""

    provider: Provider = "google"
    url: str | None = None  # LibreTranslate server, e.g. https://translate.example.org/
    api_key_env: str | None = None  # name of the environment variable holding the key
    email: str | None = None  # MyMemory: a contact address raises its daily quota
    timeout: float = Field(20.0, gt=0, le=600, allow_inf_nan=False)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60, allow_inf_nan=False)

    @property
    def public(self) -> bool:
        """Whether the provider is a public service (a self-hosted LibreTranslate is not)."""
        return self.provider != "libre"


class HyphenationSettings(Strict):
    """Words the body text never breaks at a line end, and phrases set in another language."""

    names: list[str] = []  # brands, programmes, product names (organisation names are kept anyway)
    foreign: dict[LanguageCode, list[str]] = {}  # language -> phrases in it ("Global Migration Film Festival")
    # language -> words with the only places they may break ("terug-gestuurd"), over the packaged list
    breaks: dict[LanguageCode, list[Annotated[str, Field(pattern=r"^\w+(?:-\w+)*$")]]] = {}


# --- mail: how ``pressgen mail`` reaches the office's SMTP server (pressgen.yaml ``mail:``) ---------------


def _mail_address(value: str) -> str:
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    _, address = parseaddr(value)
    if not address:
        raise ValueError(f"'{value}' is not an address such as \"IOM Belgium Press <press@example.org>\"")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"'{address}' is not an e-mail address: {exc}") from None
    return value


def _unsubscribe_uri(value: str) -> str:
    if not value.startswith(("mailto:", "https://")) or len(value) < 10:
        raise ValueError(f"'{value}' is neither a mailto: address nor an https:// URL")
    return value


class SmtpSettings(Strict):
    """The SMTP server: STARTTLS on 587, TLS from the start on 465, or none (a relay on this machine)."""

    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    tls: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")  # the variable holding it
    timeout: float = Field(30.0, gt=0, le=600, allow_inf_nan=False)

    @field_validator("password_env")
    @classmethod
    def _needs_username(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not info.data.get("username"):
            raise ValueError("a password needs a username: add username under smtp")
        return value


class MailSettings(Strict):
    """``mail:`` of pressgen.yaml: the sender, the unsubscribe address or URL, the rate and the server."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sender: Annotated[str, AfterValidator(_mail_address)] = Field(alias="from")
    unsubscribe: list[Annotated[str, AfterValidator(_unsubscribe_uri)]] = []  # mailto: and/or https:// (one-click)
    rate: float = Field(2.0, gt=0, le=1000, allow_inf_nan=False)  # messages per second
    smtp: SmtpSettings | None = None

    @field_validator("unsubscribe", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

# --- the newsroom (pressgen publish) ------------------------------------------------------------


class SiteSettings(Strict):
    """Where the newsroom that ``pressgen publish`` writes will be served, and how its indexes page."""

    base_url: str | None = Field(None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")  # absolute links
    title: LocalText | None = None  # the newsroom's name (default: "Newsroom" in each language)
    per_page: int = Field(20, ge=1, le=500)  # releases per index page

    @field_validator("base_url")
    @classmethod
    def _ends_with_slash(cls, value: str | None) -> str | None:
        return value if value is None or value.endswith("/") else value + "/"


class Config(Strict):
    """Settings of a workspace, read from pressgen.yaml."""

    languages: list[LanguageCode] = Field(["nl", "fr", "en"], min_length=1)
    locales: dict[str, str] = {}
    formats: list[FormatName] = Field(list(DEFAULT_FORMATS), min_length=1)
    output: str = "dist/{id}/{id}.{lang}.{format}"
    timezone: str | None = None
    translation: TranslationSettings = TranslationSettings()
    organizations: dict[str, Organization]
    contacts: dict[str, Contact] = {}
    hyphenation: HyphenationSettings = HyphenationSettings()
    mail: MailSettings | None = None  # pressgen mail

    site: SiteSettings = SiteSettings()  # pressgen publish

    @field_validator("languages", "formats")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return _distinct(value)

    def home_locale(self) -> str:
        """Return the locale of the first language; national phone numbers are read in its country."""
        return self.locale_for(self.languages[0]) if self.languages else "en"

    def locale_for(self, lang: str) -> str:
        """Return the Babel locale configured for ``lang`` (the code itself by default)."""
        return self.locales.get(lang, lang)


TEXT_FIELDS = ("headline", "subheadline", "dateline", "body", "notes")


class LanguageText(Strict):
    status: Status | None = None
    source_hash: str | None = None
    headline: str
    subheadline: str | None = None
    dateline: str | None = None
    body: str
    notes: str | None = None

    def fields(self) -> dict[str, str]:
        """Return the text fields that are present, in document order."""
        return {name: value for name in TEXT_FIELDS if (value := getattr(self, name)) is not None}


class Fact(Strict):
    """One line of the classification block under the date ("Field of action: All fields")."""

    label: LocalText
    value: LocalText


class Image(Strict):
    """A photo of the release: a PNG or JPEG inside assets/, with its alternative text, caption and credit."""

    file: str
    alt: LocalText
    caption: LocalText | None = None
    credit: str | None = None
    placement: Literal["lead", "end"] = "lead"  # after the lead paragraph, or at the end before the end mark


# What a release is, printed above its date from the catalogs: "Press release" / "Persbericht" /
# "Communiqué de presse", "News", "Media advisory" (an invitation to an event), "Statement".
ReleaseKind = Literal["press-release", "news", "media-advisory", "statement"]


class Release(Strict):
    """One release file; ``id`` comes from the file name."""

    id: str = Field(exclude=True)
    path: Path = Field(exclude=True)
    organization: str
    kind: ReleaseKind = "press-release"
    date: dt.date
    embargo: dt.datetime | None = None
    source: str = Field(pattern=LANGUAGE_CODE)
    languages: list[LanguageCode] | None = Field(None, min_length=1)
    contacts: list[str | Contact] = []
    tags: list[str] = []
    facts: list[Fact] = Field([], max_length=12)
    images: list[Image] = Field([], max_length=12)
    text: dict[str, LanguageText]

    @field_validator("embargo")
    @classmethod
    def _embargo_has_zone(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("embargo needs a time zone offset, e.g. 2017-05-26T10:00:00+02:00")
        if value is not None and not PLAUSIBLE_YEARS[0] <= value.year <= PLAUSIBLE_YEARS[1]:
            # Far years overflow once shown in another time zone (9999-12-31T23:59-12:00 is year 10000 in UTC).
            raise ValueError(f"embargo year {value.year} is out of range "
                             f"({PLAUSIBLE_YEARS[0]} to {PLAUSIBLE_YEARS[1]})")
        return value

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: dt.date) -> dt.date:
        if not PLAUSIBLE_YEARS[0] <= value.year <= PLAUSIBLE_YEARS[1]:
            raise ValueError(f"year {value.year} is out of range ({PLAUSIBLE_YEARS[0]} to {PLAUSIBLE_YEARS[1]})")
        return value

    @field_validator("languages")
    @classmethod
    def _distinct_languages(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _distinct(value)

    @property
    def created(self) -> dt.datetime:
        """The creation time documents carry: the release date at midnight UTC (same input, same bytes)."""
        return dt.datetime.combine(self.date, dt.time(0), tzinfo=dt.UTC)

    def source_hash(self) -> str:
        """Fingerprint of the source language's text fields (12 hex digits)."""
        fields = self.text[self.source].fields() if self.source in self.text else {}
        canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


class Workspace(BaseModel):
    """A folder with pressgen.yaml: its settings and where it lives."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    config: Config
    config_path: Path
