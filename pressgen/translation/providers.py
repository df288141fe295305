"""Machine translation providers, through deep-translator: clients, timeouts, and what their errors mean.

deep-translator's internals are used here only (its LibreTranslate client's language
table, its ServerException's code words, its modules' use of ``requests``); pyproject.toml
bounds its version for that reason.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from pressgen.errors import UsageError
from pressgen.workspace.model import TranslationSettings

# Characters a provider accepts in one request, with room to spare.
SEGMENT_LIMITS = {"google": 4800, "mymemory": 480, "deepl": 4800, "libre": 4800}


class ProviderFailure(Exception):
    """One segment failed after its retries; ``reason`` says why in plain words.

    ``setting`` names the key of ``translation`` in pressgen.yaml to fix when
    the failure is one of configuration, which no retry mends.
    """

    def __init__(self, reason: str, setting: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.setting = setting


def _libre_class() -> type:
    from deep_translator import LibreTranslator
    from deep_translator.base import BaseTranslator
    from deep_translator.constants import LIBRE_LANGUAGES_TO_CODES

    class OpenLibreTranslator(LibreTranslator):  # type: ignore[misc]
        """deep-translator's LibreTranslate client without its fixed language table.

        That table lacks Dutch (and others) although LibreTranslate servers offer
        them; the server itself says which pairs it supports. A key is optional, as
        on most self-hosted servers.
        """

        def __init__(self, source: str, target: str, api_key: str | None, custom_url: str) -> None:
            self.api_key = api_key or ""
            languages = {**LIBRE_LANGUAGES_TO_CODES, source: source, target: target}
            BaseTranslator.__init__(self, base_url=custom_url, source=source, target=target, languages=languages)

    return OpenLibreTranslator


def mymemory_code(lang: str, locale: str) -> str:
    """MyMemory wants regional codes: the locale's when it knows it, else the language's home region."""
    from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

    codes = sorted(c for c in MY_MEMORY_LANGUAGES_TO_CODES.values() if c.split("-")[0] == lang)
    for wanted in (locale.replace("_", "-"), f"{lang}-{lang.upper()}"):
        if wanted in codes:
            return wanted
    return codes[0] if codes else lang


def make_client(settings: TranslationSettings, source: str, target: str, locales: dict[str, str],
                environ: dict[str, str]) -> Any:
    """Return a deep-translator client for one language pair.

    Raises :class:`UsageError` for missing settings (URL, API key).
    """
    key = environ.get(settings.api_key_env) if settings.api_key_env else None
    if settings.api_key_env and not key:
        raise UsageError(f"translation.api_key_env names {settings.api_key_env}, which is not set; "
                         f"export it with the provider's API key")
    if settings.provider == "google":
        from deep_translator import GoogleTranslator
        return GoogleTranslator(source=source, target=target)
    if settings.provider == "mymemory":
        from deep_translator import MyMemoryTranslator
        return MyMemoryTranslator(source=mymemory_code(source, locales.get(source, source)),
                                  target=mymemory_code(target, locales.get(target, target)), email=settings.email)
    if settings.provider == "deepl":
        from deep_translator import DeeplTranslator
        if not key:
            raise UsageError("DeepL needs an API key: set translation.api_key_env in pressgen.yaml")
        return DeeplTranslator(api_key=key, source=source, target=target, use_free_api=key.endswith(":fx"))
    if not settings.url:
        raise UsageError("the libre provider needs translation.url in pressgen.yaml (the LibreTranslate server)")
    url = settings.url if settings.url.endswith("/") else settings.url + "/"
    return _libre_class()(source=source, target=target, api_key=key, custom_url=url)


# deep-translator calls ``requests.get`` / ``requests.post`` without a timeout, and requests then
# waits forever. Its provider modules get a stand-in for the ``requests`` module that adds the
# timeout of the request being made: a context variable, so each thread (the studio drafts in
# threads) and each call has its own, and nothing else in the process is touched.
_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar("pressgen_provider_timeout", default=None)
_PROVIDER_MODULES = ("deep_translator.google", "deep_translator.mymemory", "deep_translator.deepl",
                     "deep_translator.libre")


class _TimedRequests:
    """``requests`` as deep-translator's provider modules see it: the same, with a default timeout."""

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return requests.get(url, **_with_timeout(kwargs))

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return requests.post(url, **_with_timeout(kwargs))


def _with_timeout(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.get("timeout") is None and (seconds := _TIMEOUT.get()) is not None:
        return {**kwargs, "timeout": seconds}
    return kwargs


@functools.cache
def _install_timeouts() -> None:
    """Give deep-translator's provider modules the timed stand-in (once; idempotent)."""
    import importlib

    for name in _PROVIDER_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "requests", None) is requests:
            module.requests = _TimedRequests()  # type: ignore[attr-defined]


@contextmanager
def request_timeout(seconds: float) -> Iterator[None]:
    """Every provider request made in this context (this thread) waits at most ``seconds`` for an answer."""
    _install_timeouts()
    token = _TIMEOUT.set(seconds)
    try:
        yield
    finally:
        _TIMEOUT.reset(token)


def unreachable(settings: TranslationSettings, wait: float = 2.0) -> str | None:
    """Why the translation service at a configured address (LibreTranslate) cannot be used at all, or
    None: it does not accept a connection, or accepts one and sends no HTTP answer within ``wait``
    seconds (a hung server, a proxy holding the line). Any HTTP answer, even an error, counts as up:
    the drafting itself says what is wrong then. Asked before drafting, so that a service that is down
    is said at once rather than after each segment's timeouts and retries."""
    from urllib.parse import urljoin, urlsplit

    url = settings.url if settings.provider == "libre" else None
    parts = urlsplit(url or "")
    if not url or not parts.hostname:
        return None
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    try:
        requests.get(urljoin(url if url.endswith("/") else url + "/", "languages"),
                     timeout=min(wait, settings.timeout), allow_redirects=False).close()
    except requests.exceptions.RequestException:
        return (f"the translation service at {where} does not answer; nothing was drafted. "
                "Try again later, or ask whoever runs it")
    return None


def http_status(exc: Exception) -> int | None:
    """Return the HTTP status behind deep-translator's ServerException.

    Its message is a code word borrowed from Yandex's API whatever the provider
    (a 404 reads "ERR_DAILY_CHAR_LIMIT_EXCEEDED"), so the status is read back
    from its table and worded here instead.
    """
    from deep_translator.exceptions import ServerException

    words = {word: status for status, word in ServerException.errors.items()}
    return words.get(str(exc.args[0])) if exc.args else None


def retryable(exc: Exception) -> tuple[bool, str, str | None]:
    """Return whether a provider error is worth another try, a readable reason, and the setting to blame.

    The setting (``url`` or ``api_key_env`` of ``translation`` in pressgen.yaml)
    is named when no retry can help until the configuration changes, and for a
    server that cannot be reached (retried first: it may be restarting).
    """
    import requests
    from deep_translator.exceptions import (
        AuthorizationException,
        LanguageNotSupportedException,
        RequestError,
        ServerException,
        TooManyRequests,
        TranslationNotFound,
    )

    if isinstance(exc, TooManyRequests):
        return True, "too many requests (HTTP 429)", None
    if isinstance(exc, requests.exceptions.Timeout) or isinstance(exc, TimeoutError):
        return True, "the provider did not answer in time", None
    if isinstance(exc, requests.exceptions.ConnectionError):  # the server's address, once retries are spent
        refused = "refused" in str(exc).lower()
        return True, "connection refused" if refused else f"connection failed: {exc}", "url"
    if isinstance(exc, AuthorizationException):
        return False, "the provider refused the API key (HTTP 403)", "api_key_env"
    if isinstance(exc, ServerException):
        status = http_status(exc)
        if status == 404:
            return False, "the provider's address answered 404 Not Found: it is not a translation service", "url"
        if status in (401, 402, 403):
            return False, f"the provider refused access (HTTP {status}): the API key is missing or wrong", \
                "api_key_env"
        if status is not None and 400 <= status < 500 and status != 429:
            return False, f"the provider refused the request (HTTP {status})", None
        return True, f"the provider answered with a server error (HTTP {status or '5xx'})", None
    if isinstance(exc, LanguageNotSupportedException):
        return False, f"the provider does not offer this language pair: {exc}", None
    if isinstance(exc, TranslationNotFound):
        return False, "the provider returned no translation", None
    if isinstance(exc, RequestError):
        return True, f"request failed: {exc}", None
    # JSON that is not LibreTranslate's, an HTML error page with status 200, …
    return False, f"the provider's answer was not understood ({type(exc).__name__}: {exc})", "url"
