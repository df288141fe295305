from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import SEEDS

from pressgen import load_release, load_workspace, localize
from pressgen.document.localize import long_date
from pressgen.errors import InputError


@pytest.mark.parametrize("locale,date,expected", [
    ("nl_BE", dt.date(2017, 5, 26), "26 mei 2017"),
    ("fr_BE", dt.date(2017, 5, 26), "26 mai 2017"),
    ("en_GB", dt.date(2017, 5, 26), "26 May 2017"),
    ("fr_BE", dt.date(2017, 3, 1), "1er mars 2017"),
    ("nl_BE", dt.date(2017, 3, 1), "1 maart 2017"),
])
def test_long_dates_per_locale(locale: str, date: dt.date, expected: str) -> None:
    assert long_date(date, locale) == expected


def test_embargo_line_gives_date_time_and_zone_in_each_language(seed_workspace) -> None:  # type: ignore[no-untyped-def]
    release = load_release(SEEDS / "releases" / "iom-20km-brussels-2017.yaml", seed_workspace)
    lines = {lang: localize(release, seed_workspace, lang).embargo for lang in ("nl", "fr", "en")}
    # Each language's press usage, from the catalogs; the time never breaks across lines.
    assert lines["nl"] == "Embargo: niet publiceren vóór 26 mei 2017 om 10.00\u00a0uur (Midden-Europese zomertijd)"
    assert lines["fr"] == ("Embargo\u202f: ne pas publier avant le 26 mai 2017 à 10\u00a0h "
                           "(heure d’été d’Europe centrale)")
    assert lines["en"] == "Embargo: not for publication before 26 May 2017 at 10:00 (Central European Summer Time)"


def test_embargo_minutes_and_a_zone_without_a_name_read_the_same_way(seed_workspace) -> None:  # type: ignore[no-untyped-def]
    release = load_release(SEEDS / "releases" / "iom-20km-brussels-2017.yaml", seed_workspace)
    release = release.model_copy(update={"embargo": dt.datetime(2017, 5, 26, 9, 30,
                                                                tzinfo=dt.timezone(dt.timedelta(hours=2)))})
    workspace = seed_workspace.model_copy(update={"config": seed_workspace.config.model_copy(
        update={"timezone": None})})
    lines = {lang: localize(release, workspace, lang).embargo for lang in ("nl", "fr", "en")}
    assert lines["nl"].endswith("om 09.30\u00a0uur (UTC+02:00)")
    assert lines["fr"].endswith("à 9\u00a0h\u00a030 (UTC+02:00)")
    assert lines["en"].endswith("at 09:30 (UTC+02:00)")


def test_phones_are_international_and_the_same_in_every_language(seed_workspace) -> None:  # type: ignore[no-untyped-def]
    release = load_release(SEEDS / "releases" / "iom-cities-migration-mechelen-2017.yaml", seed_workspace)
    for lang in ("nl", "fr", "en"):
        lines = localize(release, seed_workspace, lang).contacts[0]
        phones = [(line.text, line.href) for line in lines if line.role == "phone"]
        assert phones == [("+32\u00a02\u00a0287\u00a074\u00a012", "tel:+3222877412"),  # no-break spaces
                          ("+32\u00a0473\u00a028\u00a018\u00a046", "tel:+32473281846")]


def test_dateline_opens_the_first_paragraph(seed_workspace) -> None:  # type: ignore[no-untyped-def]
    from pressgen.document.markup import plain_text

    release = load_release(SEEDS / "releases" / "unric-migrants-stigma-2014.yaml", seed_workspace)
    view = localize(release, seed_workspace, "fr")
    assert plain_text(view.body[0].children).startswith("(Bruxelles) – Depuis 2000")


def test_unreviewed_translation_is_marked_draft(workspace: Path) -> None:
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    ws = load_workspace(workspace)
    release = load_release(path, ws)
    assert localize(release, ws, "fr").draft
    assert not localize(release, ws, "en").draft
    assert not localize(release, ws, "nl").draft


def test_missing_label_catalog_names_the_command_that_creates_it(workspace: Path) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace("languages: [nl, fr, en]", "languages: [nl, fr, en, de]")
                      .replace("en: en_GB}", "en: en_GB, de: de_BE}"))
    path = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    text = path.read_text()
    de_block = text[text.index("  nl:\n"):text.index("  fr:\n")].replace("  nl:\n", "  de:\n", 1)
    path.write_text(text + de_block)
    # The load stage finds it, so check reports it before a build would fail on it.
    with pytest.raises(InputError) as error:
        load_workspace(workspace)
    [problem] = error.value.diagnostics
    assert (problem.path.name, problem.line) == ("pressgen.yaml", 4)
    assert problem.message == "no label catalog for language 'de'"
    assert "pressgen locales init de" in problem.hint  # type: ignore[operator]


def test_workspace_catalog_overrides_single_labels(workspace: Path) -> None:
    folder = workspace / "locales" / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "pressgen.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Press release"\nmsgstr "Persmededeling"\n', encoding="utf-8")
    ws = load_workspace(workspace)
    release = load_release(workspace / "releases" / "iom-20km-brussels-2017.yaml", ws)
    labels = localize(release, ws, "nl").labels
    assert labels.kind == "Persmededeling"
    assert labels.notes == "Noot voor de redactie"
