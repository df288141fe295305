"""``pressgen mail``: one message per journalist of a media list, in their language, with the PDF attached.

The steps, each a function: :func:`plan_mail` decides who gets which language (the gate of
:mod:`pressgen.check.readiness`, the fallback rule, the send log); :func:`release_pdfs` has
the builder make (or reuse) the PDFs; a :class:`Composer` turns the localised view into
messages (bodies by :mod:`pressgen.writers.mail`); :func:`write_dry_run` writes them as
``.eml`` files and :func:`send` hands them to the SMTP server, rate-limited, recording each
in the send log (:mod:`pressgen.distribution.sendlog`) before and after.

The fallback rule: a journalist whose language is ready gets that language. One whose language
is not ready (errors, stale or unreviewed segments, facts that differ from the source's) or
that the release is not written in gets the source language, and the command says so per
language; with ``strict_language`` they get nothing. ``allow_draft`` sends every language that
has text, marked as a draft in the subject, the first lines and an ``X-Pressgen-Draft`` header.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

from pressgen.builder.plan import BuildOptions, build
from pressgen.check.readiness import Readiness
from pressgen.distribution.sendlog import SendLog
from pressgen.document.localize import DocumentView, embargo_moment, localize, long_date
from pressgen.errors import Diagnostic, InputError, PressgenError, RenderError, errors_only
from pressgen.files import digest, write_atomic
from pressgen.workspace.labels import translations
from pressgen.workspace.load import release_languages
from pressgen.workspace.medialist import Recipient
from pressgen.workspace.model import MailSettings, Release, Workspace
from pressgen.workspace.yamlio import load_yaml
from pressgen.writers.mail import MailNotices, render_mail

MAIL_EXAMPLE = ('mail:\n  from: "Press Office <press@example.org>"\n  rate: 2\n'
                '  smtp: {host: smtp.example.org, port: 587, tls: starttls, username: press, '
                'password_env: PRESSGEN_SMTP_PASSWORD}')


# --- settings ----------------------------------------------------------------------------------------


def config_diagnostic(workspace: Workspace, loc: tuple[str, ...], message: str, hint: str | None = None
                      ) -> Diagnostic:
    """A problem with a setting of pressgen.yaml, at its line and column."""
    return load_yaml(workspace.config_path).diagnostic(loc, message, hint)


def mail_settings(workspace: Workspace, smtp: bool = False) -> MailSettings:
    """The workspace's ``mail:`` settings; raises :class:`InputError` when there are none (or, with ``smtp``,
    no ``smtp:`` server in them)."""
    settings = workspace.config.mail
    if settings is None:
        raise InputError("no mail settings", [Diagnostic(workspace.config_path, 1, 1, "no 'mail:' settings: "
                                                         "pressgen mail needs at least the sender",
                                                         f"add to pressgen.yaml:\n{MAIL_EXAMPLE}")])
    if smtp and settings.smtp is None:
        raise InputError("no smtp settings", [config_diagnostic(
            workspace, ("mail",), "no 'smtp:' under 'mail:': --send needs the SMTP server",
            "add smtp: {host: smtp.example.org, port: 587, tls: starttls, username: press, "
            "password_env: PRESSGEN_SMTP_PASSWORD}")])
    return settings


def smtp_password(workspace: Workspace, settings: MailSettings, environ: dict[str, str]) -> str | None:
    """The SMTP password, from the environment variable the settings name (None without a username)."""
    smtp = settings.smtp
    if smtp is None or not smtp.username:
        return None
    if not smtp.password_env:
        raise InputError("no password", [config_diagnostic(
            workspace, ("mail", "smtp", "username"), "a username but no password_env: the password is read "
            "from the environment", "add password_env: PRESSGEN_SMTP_PASSWORD under smtp, and set that variable")])
    password = environ.get(smtp.password_env)
    if not password:
        raise InputError("password not set", [config_diagnostic(
            workspace, ("mail", "smtp", "password_env"), f"the environment variable {smtp.password_env} is not set",
            f"export {smtp.password_env}=… (the SMTP password of {smtp.username}) before pressgen mail --send")])
    return password


# --- who gets what -----------------------------------------------------------------------------------


def content_digest(release: Release, lang: str) -> str:
    """A fingerprint of what a message in ``lang`` says: that text, and what every language shares
    (date, embargo, facts, photos, contacts). Review states are left out: reviewing changes no word."""
    data = release.model_dump(mode="json")
    text = {key: value for key, value in data["text"].get(lang, {}).items() if key not in ("status", "source_hash")}
    shared = {key: value for key, value in data.items() if key not in ("text", "languages")}
    return digest(release.id, lang, json.dumps([text, shared], sort_keys=True, ensure_ascii=False))[:16]


@dataclass(frozen=True)
class Assignment:
    """One message to send: the recipient, the language they get, and for a correction the version they had."""

    recipient: Recipient
    lang: str
    kind: str  # "release" or "correction"
    digest: str
    previous: dict[str, Any] | None = None  # the log's last "sent" record (corrections)
    resend: dict[str, Any] | None = None  # the log's uncertain "sending" record, sent again (--resend-uncertain)


@dataclass
class MailPlan:
    """Who gets which language and what is left out, with the reasons the command says."""

    release: Release
    going: list[Assignment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # per language: left out and why, the fallback, drafts
    skipped: dict[str, list[Recipient]] = field(default_factory=dict)  # why -> recipients
    drafts: set[str] = field(default_factory=set)  # languages sent although not ready (--allow-draft)

    def skip(self, why: str, recipient: Recipient) -> None:
        self.skipped.setdefault(why, []).append(recipient)

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(a.lang for a in self.going))


ALREADY_SENT = "already sent (the send log has it)"
UNCERTAIN = ("uncertain: an earlier run stopped while handing it to the server, which may have it "
             "(see it in your sent mail or the server's log; --resend-uncertain sends it again)")
NO_LANGUAGE = "their language is not ready (--strict-language)"
UP_TO_DATE = "already have this version"
NEVER_SENT = "never received the release (corrections go only to those who did)"


def plan_mail(ready: Readiness, workspace: Workspace, recipients: Sequence[Recipient] | None, log: SendLog, *,
              allow_draft: bool = False, strict_language: bool = False, corrections: bool = False,
              resend_uncertain: bool = False) -> MailPlan:
    """Decide who is sent what (see the module's fallback rule and :mod:`pressgen.distribution.sendlog`).

    Raises :class:`InputError` when the release has errors: then nothing goes to anyone.
    """
    release = ready.release
    if release is None:
        raise InputError(f"{ready.path}: the release has errors; nothing is sent", errors_only(ready.diagnostics))
    going = ready.ready(allow_draft)
    plan = MailPlan(release)
    plan.drafts = {lang for lang in going if not ready.languages[lang].ready}
    listed = {r.key: r for r in recipients or ()}
    if corrections:
        people = []
        for key, delivery in log.deliveries.items():
            if delivery.sent is not None or (delivery.uncertain and delivery.uncertain.get("kind") == "correction"):
                people.append(listed.get(key) or Recipient(delivery.name, delivery.email, delivery.wants))
        for key, recipient in listed.items():
            if key not in log.deliveries or log.deliveries[key].sent is None:
                plan.skip(NEVER_SENT, recipient)
    else:
        people = list(recipients or ())
    asked: dict[str, list[Recipient]] = {}
    for recipient in people:
        asked.setdefault(recipient.language, []).append(recipient)
    known = release_languages(release, workspace.config)
    for lang, group in asked.items():
        if lang in going and lang not in plan.drafts:
            continue
        if lang in plan.drafts:
            plan.notes.append(f"{lang}: not ready, sent anyway as a draft (--allow-draft): "
                              + "; ".join(ready.languages[lang].reasons))
            continue
        reasons = ready.languages[lang].reasons if lang in ready.languages else [
            f"the release is not written in {lang} (its languages: {', '.join(known)})"]
        instead = (f"{len(group)} recipient(s) get nothing (--strict-language)" if strict_language
                   else f"{len(group)} recipient(s) get the {release.source} text instead")
        plan.notes.append(f"{lang}: left out: {'; '.join(reasons)}; {instead}")
    kind = "correction" if corrections else "release"
    changed = 0
    digests: dict[str, str] = {}
    for recipient in people:
        target = recipient.language if recipient.language in going else None if strict_language else release.source
        if target is None:
            plan.skip(NO_LANGUAGE, recipient)
            continue
        now = digests.get(target) or digests.setdefault(target, content_digest(release, target))
        history = log.deliveries.get(recipient.key)
        uncertain = history.uncertain if history else None
        if uncertain is not None and uncertain.get("kind") == kind and (
                kind == "release" or uncertain.get("digest") == now):
            if resend_uncertain:
                plan.going.append(Assignment(recipient, uncertain.get("lang", target), kind, uncertain["digest"],
                                             history.sent if history else None, uncertain))
            else:
                plan.skip(UNCERTAIN, recipient)
            continue
        if not corrections:
            if history is not None and history.sent is not None:
                plan.skip(ALREADY_SENT, recipient)
                changed += history.sent.get("digest") != now
                continue
            plan.going.append(Assignment(recipient, target, kind, now))
        else:
            assert history is not None and history.sent is not None
            if history.sent.get("digest") == now:
                plan.skip(UP_TO_DATE, recipient)
                continue
            plan.going.append(Assignment(recipient, target, kind, now, history.sent))
    if changed:
        plan.notes.append(f"the release changed since {changed} recipient(s) got it: send them the correction "
                          "with --corrections")
    return plan


# --- the PDFs ------------------------------------------------------------------------------------------


def release_pdfs(path: Path, langs: Sequence[str]) -> dict[str, Path]:
    """The PDF of each language, made by the build (reusing what is up to date); raises :class:`RenderError`."""
    if not langs:
        return {}
    report = build([path], BuildOptions(langs=list(langs), formats=["pdf"]))
    if not report.ok:
        problems = [d for outcome in report.outcomes for d in outcome.diagnostics]
        raise RenderError("the PDF could not be built; nothing is sent", problems)
    return {document.lang: document.path for outcome in report.outcomes for document, status in outcome.documents
            if status in ("built", "up-to-date")}


# --- composing -----------------------------------------------------------------------------------------


def sender_domain(settings: MailSettings) -> str:
    """The domain of the sender's address: the right-hand side of every Message-ID."""
    return parseaddr(settings.sender)[1].rpartition("@")[2]


def unsubscribe_headers(settings: MailSettings, email: str) -> dict[str, str]:
    """List-Unsubscribe (RFC 2369) for the configured addresses and URLs, and List-Unsubscribe-Post
    (RFC 8058, one click) when one is an https URL; ``{email}`` in a URL is the recipient's address."""
    if not settings.unsubscribe:
        return {}
    uris = [uri.replace("{email}", quote(email, safe="")) for uri in settings.unsubscribe]
    headers = {"List-Unsubscribe": ", ".join(f"<{uri}>" for uri in uris)}
    if any(uri.startswith("https://") for uri in uris):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


@dataclass(frozen=True)
class _Bodies:
    subject: str
    text: str
    html: str


class Composer:
    """Makes the messages of one release: each language's view and bodies once, then one message per recipient.

    ``now`` decides whether the release is still embargoed; ``pdfs`` are the attachments by language;
    ``drafts`` the languages sent although not ready (marked so).
    """

    def __init__(self, workspace: Workspace, release: Release, settings: MailSettings, now: dt.datetime,
                 pdfs: dict[str, Path], drafts: set[str] | frozenset[str] = frozenset()) -> None:
        self.workspace, self.release, self.settings, self.now = workspace, release, settings, now
        self.pdfs = {lang: (path.name, path.read_bytes()) for lang, path in pdfs.items()}
        self.drafts = set(drafts)
        self.domain = sender_domain(settings)
        self._views: dict[str, DocumentView] = {}
        self._bodies: dict[tuple[str, str | None], _Bodies] = {}
        self._mime: dict[tuple[str, str | None], tuple[str, bytes, bytes]] = {}
        self._headers: dict[tuple[str, str, str, str], bytes] = {}

    @property
    def embargoed(self) -> bool:
        return self.release.embargo is not None and self.now < self.release.embargo

    def view(self, lang: str) -> DocumentView:
        if lang not in self._views:
            self._views[lang] = localize(self.release, self.workspace, lang, draft=lang in self.drafts)
        return self._views[lang]

    def embargo_notice(self, lang: str) -> str | None:
        """ "EMBARGOED UNTIL …" in ``lang``, in the workspace's time zone and in UTC; None once lifted."""
        embargo = self.release.embargo
        if embargo is None or not self.embargoed:
            return None
        locale = self.workspace.config.locale_for(lang)
        t = translations(self.workspace.root, lang)
        moment, zone = embargo_moment(embargo, locale, self.workspace.config.timezone, t)
        utc = embargo.astimezone(dt.UTC)
        local_date = _zoned(embargo, self.workspace.config.timezone).date()
        utc_text = f"{utc:%H:%M}" if utc.date() == local_date else f"{long_date(utc.date(), locale)} {utc:%H:%M}"
        # TRANSLATORS: the first line and subject of a message sent before the embargo lifts; moment is
        # "26 May 2017 at 10:00", zone the time zone's name, utc the same moment in UTC ("08:00").
        return t.gettext("EMBARGOED UNTIL %(moment)s (%(zone)s), %(utc)s UTC") % {
            "moment": moment, "zone": zone, "utc": utc_text}

    def bodies(self, lang: str, previous: dict[str, Any] | None = None) -> _Bodies:
        """Subject, plain text and HTML of the message in ``lang`` (a correction of the version sent
        at ``previous['time']`` when given)."""
        sent_at = previous.get("time") if previous else None
        key = (lang, sent_at)
        if key not in self._bodies:
            view = self.view(lang)
            t = translations(self.workspace.root, lang)
            lines: list[str] = []
            subject: list[str] = []
            if previous is not None:
                when = dt.datetime.fromisoformat(str(sent_at)) if sent_at else self.now
                # TRANSLATORS: the first word of the subject of a corrected release sent again.
                subject.append(t.gettext("CORRECTION"))
                # TRANSLATORS: the note above a corrected release sent again; date is when the earlier one was sent.
                lines.append(t.gettext("Correction: this message replaces the version of this release sent on "
                                       "%(date)s. Please use this version.")
                             % {"date": long_date(when.date(), view.locale)})
            if (notice := self.embargo_notice(lang)) is not None:
                lines.insert(0, notice)
                subject.append(notice)
            if lang in self.drafts:
                lines.append(view.labels.draft)
                subject.insert(0, f"[{view.labels.draft}]")
            text, html = render_mail(view, MailNotices(tuple(lines), self.embargoed))
            self._bodies[key] = _Bodies(" – ".join([*subject, view.title]), text, html)
        return self._bodies[key]

    def message_id(self) -> str:
        return make_msgid(domain=self.domain)

    def _body(self, lang: str, previous: dict[str, Any] | None) -> tuple[str, bytes, bytes]:
        """Subject, and the MIME body's own headers and content in ``lang``, serialised once for every
        recipient: multipart/mixed of multipart/alternative (text, HTML) and the PDF."""
        key = (lang, previous.get("time") if previous else None)
        if key not in self._mime:
            bodies = self.bodies(lang, previous)
            tag = self.view(lang).language_tag
            body = EmailMessage(policy=SMTP)
            body.set_content(bodies.text, cte="quoted-printable")
            body.add_alternative(bodies.html, subtype="html", cte="quoted-printable")
            filename, data = self.pdfs[lang]
            body.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
            # Last: setting a body moves every Content-* header of the message into the body's part.
            body["Content-Language"] = tag
            for part in body.walk():
                if part.get_content_maintype() == "text":
                    part["Content-Language"] = tag
            head, _, content = body.as_bytes().partition(b"\r\n\r\n")
            self._mime[key] = (bodies.subject, head + b"\r\n", content)
        return self._mime[key]

    def _common_headers(self, lang: str, kind: str, digest_: str, subject: str) -> bytes:
        """The headers every message of a language shares (From, Subject, Date, …), folded once."""
        key = (lang, kind, digest_, subject)
        if key not in self._headers:
            headers = EmailMessage(policy=SMTP)
            headers["From"] = self.settings.sender
            headers["Subject"] = subject
            headers["Date"] = format_datetime(self.now)
            headers["X-Pressgen-Release"] = f"{self.release.id}; {kind}; {digest_}"
            if lang in self.drafts:
                headers["X-Pressgen-Draft"] = "not reviewed (sent with --allow-draft)"
            self._headers[key] = headers.as_bytes().rstrip(b"\r\n") + b"\r\n"
        return self._headers[key]

    def compose(self, assignment: Assignment, message_id: str | None = None) -> bytes:
        """The message of one assignment, as SMTP sends it (CRLF lines).

        The MIME body of a language and the headers its messages share are made once (encoding
        and folding them is most of the work); each message adds its own To, Message-ID and
        List-Unsubscribe.
        """
        lang = assignment.lang
        subject, mime_head, content = self._body(lang, assignment.previous if assignment.kind == "correction"
                                                 else None)
        recipient = assignment.recipient
        own = [_header_line("To", formataddr((recipient.name, recipient.email), charset="utf-8")
                            if recipient.name else recipient.email),
               _header_line("Message-ID", message_id or self.message_id())]
        unsubscribe = unsubscribe_headers(self.settings, recipient.email)
        own += [_header_line(name, value) for name, value in unsubscribe.items()]
        return (self._common_headers(lang, assignment.kind, assignment.digest, subject) + b"".join(own)
                + mime_head + b"\r\n" + content)


def _header_line(name: str, value: str) -> bytes:
    """One header as it goes on the wire: as it is when it is short ASCII (the common case, and fast), else
    folded and encoded by the email package's SMTP policy."""
    if value.isascii() and "\r" not in value and "\n" not in value and len(name) + len(value) < 76:
        return f"{name}: {value}\r\n".encode("ascii")
    holder = EmailMessage(policy=SMTP)
    holder[name] = value
    return holder.as_bytes().rstrip(b"\r\n") + b"\r\n"


def _zoned(when: dt.datetime, timezone: str | None) -> dt.datetime:
    from babel.dates import get_timezone

    return when.astimezone(get_timezone(timezone)) if timezone else when


# --- dry run ---------------------------------------------------------------------------------------------


def eml_name(index: int, assignment: Assignment) -> str:
    """The file name of a dry run's message: its place in the run, language and address (safe characters)."""
    safe = "".join(ch if ch.isalnum() or ch in "@.-_+" else "_" for ch in assignment.recipient.email)
    return f"{index:04d}-{assignment.lang}-{safe}.eml"


def write_dry_run(plan: MailPlan, composer: Composer, folder: Path,
                  on_message: Callable[[Assignment, str], None] | None = None) -> list[Path]:
    """Write each message of ``plan`` to ``folder`` as an .eml file (atomically); nothing is sent or logged."""
    written: list[Path] = []
    for index, assignment in enumerate(plan.going, start=1):
        path = folder / eml_name(index, assignment)
        try:
            write_atomic(path, composer.compose(assignment))
        except OSError as exc:
            raise PressgenError(f"cannot write {path}: {exc.strerror or exc} ({len(written)} message(s) "
                                "written before it)") from None
        written.append(path)
        if on_message:
            on_message(assignment, "written")
    return written


# --- sending -------------------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: list[tuple[Assignment, str]] = field(default_factory=list)
    uncertain: Assignment | None = None  # the message a lost connection left uncertain (the run stopped)
    interrupted: bool = False


class SmtpError(PressgenError):
    """The SMTP server could not be reached, refused the login, or the sender."""


def connect(workspace: Workspace, settings: MailSettings, password: str | None) -> smtplib.SMTP:
    """An SMTP connection as the settings say (STARTTLS, TLS or plain), logged in when there is a username."""
    smtp = settings.smtp
    assert smtp is not None
    context = ssl.create_default_context()
    try:
        if smtp.tls == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            if smtp.tls == "starttls":
                connection.starttls(context=context)
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpError("cannot reach the SMTP server", [config_diagnostic(
            workspace, ("mail", "smtp", "host"), f"cannot reach the SMTP server {smtp.host}:{smtp.port} "
            f"({smtp.tls}): {exc}", "check host, port and tls under mail.smtp (587: starttls, 465: tls)")]) from None
    if smtp.username:
        try:
            connection.login(smtp.username, password or "")
        except smtplib.SMTPException as exc:
            connection.close()
            raise SmtpError("login refused", [config_diagnostic(
                workspace, ("mail", "smtp", "username"), f"the SMTP server refused the login of {smtp.username}: "
                f"{exc}", f"check the username and the password in ${smtp.password_env}")]) from None
    return connection


class _Stop:
    """Ctrl-C and SIGTERM during a send: finish the message being handed over, then stop."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        try:
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread
            pass
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


def send(plan: MailPlan, composer: Composer, workspace: Workspace, settings: MailSettings, log: SendLog,
         password: str | None, on_message: Callable[[Assignment, str], None] | None = None,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """Send each message of ``plan`` through SMTP at most ``settings.rate`` per second.

    Each is recorded in ``log`` as ``sending`` before the transaction and ``sent`` (or ``failed``, when
    the server refused it) after. A lost connection in the middle leaves that one uncertain and stops
    the run. Raises :class:`SmtpError` when the server cannot be reached or refuses the login or sender.
    """
    report = SendReport()
    if not plan.going:
        return report
    sender = parseaddr(settings.sender)[1]
    interval = 1.0 / settings.rate
    connection = connect(workspace, settings, password)
    last = None
    with _Stop() as stop:
        try:
            for assignment in plan.going:
                if stop.requested:
                    report.interrupted = True
                    break
                if last is not None and (wait := last + interval - clock()) > 0:
                    sleep(wait)
                last = clock()
                message_id = assignment.resend["message_id"] if assignment.resend else composer.message_id()
                message = composer.compose(assignment, message_id)
                recipient = assignment.recipient
                record = {"email": recipient.key, "name": recipient.name, "wants": recipient.language,
                          "lang": assignment.lang, "kind": assignment.kind, "digest": assignment.digest,
                          "message_id": message_id}
                log.record("sending", **record)
                try:
                    connection.sendmail(sender, [recipient.email], message)
                except smtplib.SMTPSenderRefused as exc:
                    log.record("failed", **record, error=_reply(exc))
                    raise SmtpError("sender refused", [config_diagnostic(
                        workspace, ("mail", "from"), f"the SMTP server refuses the sender {sender}: {_reply(exc)}",
                        "use an address the server lets you send from")]) from None
                except smtplib.SMTPRecipientsRefused as exc:
                    reply = "; ".join(f"{code} {text.decode(errors='replace')}"
                                      for code, text in exc.recipients.values())
                    log.record("failed", **record, error=reply)
                    report.failed.append((assignment, reply))
                    _notify(on_message, assignment, "failed")
                    continue
                except smtplib.SMTPResponseException as exc:  # a refusal of the message itself: not delivered
                    log.record("failed", **record, error=_reply(exc))
                    report.failed.append((assignment, _reply(exc)))
                    _notify(on_message, assignment, "failed")
                    _reset(connection)
                    continue
                except (OSError, smtplib.SMTPException):  # the connection broke: the server may have it
                    report.uncertain = assignment
                    _notify(on_message, assignment, "uncertain")
                    break
                log.record("sent", **record)
                report.sent += 1
                _notify(on_message, assignment, "sent")
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
    return report


def _notify(on_message: Callable[[Assignment, str], None] | None, assignment: Assignment, status: str) -> None:
    if on_message:
        on_message(assignment, status)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}"


def _reset(connection: smtplib.SMTP) -> None:
    try:
        connection.rset()
    except (OSError, smtplib.SMTPException):
        pass
