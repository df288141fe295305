"""Wrong usage of `publish` is refused before anything is written, naming the option (exit 2)."""

from __future__ import annotations

from pathlib import Path

from helpers import run


def test_now_without_a_time_zone_is_wrong_usage(newsroom: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run("publish", str(newsroom), "--out", str(tmp_path / "site"), "--now", "2030-03-01T10:00") == 2
    err = capsys.readouterr().err
    assert "'--now'" in err and "has no time zone" in err
    assert run("publish", str(newsroom), "--out", str(tmp_path / "site"), "--now", "next tuesday") == 2
    assert "not an ISO 8601 time" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_a_source_folder_or_a_foreign_folder_is_refused_as_the_site(newsroom: Path, tmp_path: Path,
                                                                   capsys) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.name for p in (newsroom / "assets").iterdir())
    assert run("publish", str(newsroom), "--out", str(newsroom / "assets"), "--no-downloads") == 2
    assert "a source folder" in capsys.readouterr().err
    assert sorted(p.name for p in (newsroom / "assets").iterdir()) == before
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert run("publish", str(newsroom), "--out", str(foreign), "--no-downloads") == 2
    assert "holds files that pressgen did not publish" in capsys.readouterr().err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
