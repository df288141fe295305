"""A bad media list is refused with file:line:col errors, all of them at once, and nothing is written or sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import POSITIONED_ERROR, run
from helpers.smtp_server import use_smtp

from pressgen.errors import InputError
from pressgen.workspace.medialist import read_media_list

RELEASE = "iom-20km-brussels-2017"
LANGS = ["nl", "fr", "en"]


def errors(text: str) -> list[tuple[int, int, str]]:
    return [(int(m["line"]), int(m["col"]), m["message"]) for m in POSITIONED_ERROR.finditer(text)]


def test_bad_rows_are_errors_at_their_line_and_column(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    use_smtp(workspace, 25)
    media = workspace / "media.csv"
    media.write_text("name;email;language;outlet;tags\n"
                     "An Peeters;an@example.org;nl;De Standaard;politics|migration\n"
                     "Bob;bob@;fr;Le Soir;\n"
                     '"Dupont, Cé";AN@Example.org;de;RTBF;\n'
                     "Eve;eve@example.org;;VRT;\n", encoding="utf-8")
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out") == 1
    found = errors(capsys.readouterr().err)
    assert found == [
        (3, 5, "'bob@' is not an e-mail address: There must be something after the @-sign."),
        (4, 14, "an@example.org is listed twice (first on line 2)"),
        (4, 29, "unknown language 'de'"),
        (5, 21, "no language"),
    ]
    assert not (workspace / "out").exists()


def test_a_yaml_media_list_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "media.yaml"
    good.write_text("journalists:\n"
                    "  - {name: An Peeters, email: an@example.org, language: nl, outlet: De Standaard, tags: [eu]}\n"
                    "  - name: Béa Dupont\n    email: Bea@Example.org\n    language: fr\n", encoding="utf-8")
    [an, bea] = read_media_list(good, LANGS)
    assert (an.name, an.language, an.outlet, an.tags) == ("An Peeters", "nl", "De Standaard", ("eu",))
    assert bea.key == "bea@example.org" and bea.line == 3
    bad = tmp_path / "bad.yaml"
    bad.write_text("journalists:\n  - name: X\n    email: x at example.org\n    language: xx\n    phone: 1\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_media_list(bad, LANGS)
    assert [(d.line, d.col, d.message) for d in caught.value.diagnostics] == [
        (3, 12, "'x at example.org' is not an e-mail address: An email address must have an @-sign."),
        (4, 15, "unknown language 'xx'"),
        (5, 12, "unknown key 'phone'"),
    ]


def test_a_csv_without_the_required_columns(tmp_path: Path) -> None:
    media = tmp_path / "media.csv"
    media.write_text("name,mail,outlet\nAn,an@example.org,De Standaard\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_media_list(media, LANGS)
    assert [(d.line, d.col, d.message) for d in caught.value.diagnostics] == [
        (1, 1, "no 'email' column"), (1, 1, "no 'language' column"), (1, 6, "unknown column 'mail'")]
