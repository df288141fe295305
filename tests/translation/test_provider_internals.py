"""What translation/providers.py relies on inside deep-translator: if an upgrade changes it, say so loudly."""

from __future__ import annotations

import importlib
import re
from importlib.metadata import version
from pathlib import Path

import requests

from pressgen.translation import providers

PYPROJECT = next(p / "pyproject.toml" for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


def _bound() -> str:
    found = re.search(r'"(deep-translator[^"]*)"', PYPROJECT.read_text(encoding="utf-8"))
    assert found and "<" in found.group(1), "deep-translator needs an upper bound in pyproject.toml"
    return found.group(1)


def _fail(what: str) -> str:
    return (f"{what} (installed deep-translator {version('deep-translator')}); pressgen/translation/providers.py "
            f"relies on it: adapt that module before raising the bound '{_bound()}' in pyproject.toml")


def test_the_provider_modules_call_requests_through_their_module_attribute() -> None:
    for name in providers._PROVIDER_MODULES:
        module = importlib.import_module(name)
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        assert "requests.get(" in source or "requests.post(" in source, _fail(f"{name} no longer calls requests.*")
        assert hasattr(module, "requests"), _fail(f"{name} has no 'requests' attribute")
    with providers.request_timeout(1.0):
        for name in providers._PROVIDER_MODULES:
            assert importlib.import_module(name).requests is not requests, _fail(f"{name} kept the plain requests")


def test_the_libre_client_and_the_error_table_are_what_providers_expects() -> None:
    from deep_translator.base import BaseTranslator
    from deep_translator.constants import LIBRE_LANGUAGES_TO_CODES, MY_MEMORY_LANGUAGES_TO_CODES
    from deep_translator.exceptions import ServerException

    assert isinstance(LIBRE_LANGUAGES_TO_CODES, dict) and isinstance(MY_MEMORY_LANGUAGES_TO_CODES, dict), \
        _fail("the language tables are gone")
    assert 404 in ServerException.errors and isinstance(ServerException.errors[404], str), \
        _fail("ServerException.errors no longer maps HTTP statuses to code words")
    client = providers._libre_class()(source="nl", target="fr", api_key=None, custom_url="http://127.0.0.1:9/")
    assert isinstance(client, BaseTranslator) and client._source == "nl" and client._target == "fr", \
        _fail("LibreTranslator no longer takes its languages as pressgen gives them")
    assert providers.http_status(ServerException(404)) == 404, _fail("ServerException's words changed")
