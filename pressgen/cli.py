"""The ``pressgen`` command: a thin layer over the Python API.

Exit status: 0 when all went well, 1 when any release has errors or failed to
build, 2 for wrong usage, 130 when interrupted, 3 for an internal error (a bug).
Bad input is reported as ``file:line:col`` lines, never as a traceback.

Wrong usage is an option value the workspace cannot have: a language that is
not one of the workspace's (or the release's), a format pressgen does not
write, a Dask scheduler address Dask cannot use. It is refused before
anything is read or written, naming the option and the values it takes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pressgen import __version__
from pressgen.builder.plan import BuildOptions, BuildReport, Document, Status, build, release_files, summary_line
from pressgen.check import WorkspaceCache, check_files, check_release, check_workspace
from pressgen.errors import Diagnostic, InputError, PressgenError, UsageError, errors_only
from pressgen.formats import NAMES as FORMAT_NAMES
from pressgen.workspace.load import EVERY_LANGUAGE, find_workspace
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.scaffold import new_release
from pressgen.workspace.yamlio import LoadedYaml, load_yaml


def _echo_diagnostics(diagnostics: Iterable[Diagnostic], seen: set[Diagnostic] | None = None) -> None:
    """Print diagnostics; with ``seen``, each only once (a workspace's errors concern every release)."""
    cwd = Path.cwd()
    for diagnostic in diagnostics:
        if seen is not None:
            if diagnostic in seen:
                continue
            seen.add(diagnostic)
        click.echo(diagnostic.format(relative_to=cwd), err=True)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _one_release(name: str) -> Path:
    """Return the single release file named by a path or a release id."""
    files = release_files([name])
    if len(files) != 1:
        raise UsageError(f"'{name}' names {len(files)} releases; name one release file or id")
    return files[0]


def _default_paths(paths: Sequence[Path | str]) -> list[Path | str]:
    """PATHS as given, or the workspace around the current folder."""
    return list(paths) if paths else [find_workspace(Path.cwd())]


# --- option values the workspace decides: refused as wrong usage (exit 2), naming the option ---------

NEW_LANGUAGE = "to add a language, list it under languages in pressgen.yaml"


def _bad_value(option: str, message: str) -> click.BadParameter:
    return click.BadParameter(message, ctx=click.get_current_context(silent=True), param_hint=f"'{option}'")


def _require_known(values: Sequence[str], known: Sequence[str], option: str, what: str, hint: str = "") -> None:
    """Refuse the first of ``values`` that is not in ``known``: "did you mean…", and every value it may take."""
    for value in values:
        if value not in known:
            by_case = {choice.lower(): choice for choice in known}  # 'PDF' means 'pdf'
            close = difflib.get_close_matches(value.lower(), list(by_case), n=1)
            guess = f"did you mean '{by_case[close[0]]}'? " if close else ""
            raise _bad_value(option, f"'{value}' is not {what}; {guess}choose from {', '.join(known)}"
                             + (f" ({hint})" if hint else ""))


def _check_languages(values: Sequence[str], option: str, workspace: Workspace, path: Path) -> None:
    """Refuse a language that neither the workspace nor the release at ``path`` has.

    The release is read only when a value is not one of the workspace's languages;
    a release that does not load is left to the command, which reports its errors.
    """
    if not values:
        raise _bad_value(option, "name at least one language, e.g. fr or fr,en")
    known = list(workspace.config.languages)
    if set(values) - set(known):
        checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
        if checked.release is None:
            return
        known = list(dict.fromkeys([*known, *(checked.release.languages or ()), *checked.release.text]))
    _require_known(values, known, option, "a language of this workspace", NEW_LANGUAGE)


def _check_build_languages(langs: Sequence[str], paths: Sequence[Path | str]) -> None:
    """Refuse a --lang that no workspace of the selection (nor any selected release's own list) has."""
    files = release_files(paths)
    workspaces = WorkspaceCache()
    known: list[str] = []
    for path in files:
        try:
            known += workspaces.for_release(path).config.languages
        except PressgenError:
            continue  # the build reports it
    if not known or not set(langs) - set(known):
        return
    for path in files:  # a release may list languages of its own
        try:
            own = load_yaml(path).data.get("languages")
        except PressgenError:
            continue
        known += [lang for lang in own if isinstance(lang, str)] if isinstance(own, list) else []
    _require_known(langs, list(dict.fromkeys(known)), "--lang", "a language of the selected releases",
                   NEW_LANGUAGE)


def _scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The --scheduler value, refused as wrong usage when Dask could not connect to such an address."""
    if value is None:
        return None
    try:
        from distributed.comm import get_address_host_port
    except ImportError:
        return value  # the dask executor says how to install it
    try:
        host, port = get_address_host_port(value)
    except ValueError as exc:
        reason = str(exc) if "scheme" in str(exc) or "port" in str(exc) else "not HOST:PORT"
    else:
        if host and 0 < port < 65536:
            return value
        reason = "no host" if not host else f"port {port} is out of range (1 to 65535)"
    raise click.BadParameter(f"'{value}' is not a Dask scheduler address: {reason}; write it as tcp://HOST:PORT, "
                             "e.g. tcp://10.0.0.5:8786", ctx=ctx, param=param)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pressgen")
def cli() -> None:
    """Turn YAML press releases into branded Dutch, French and English DOCX and PDF."""


@cli.command()
@click.argument("release_id")
@click.option("--org", help="Organization id from pressgen.yaml (default: the first).")
@click.option("--source", help="Language the release is written in (default: the first).")
@click.option("--workspace", "workspace_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Workspace folder (default: the one around the current folder).")
def new(release_id: str, org: str | None, source: str | None, workspace_dir: Path | None) -> None:
    """Scaffold releases/RELEASE_ID.yaml."""
    workspace = check_workspace(workspace_dir or find_workspace(Path.cwd()))
    path = new_release(workspace, release_id, org, source)
    click.echo(f"created {_display(path)}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings and unreviewed translations as errors.")
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate releases and report missing, stale and unreviewed translations."""
    files = release_files(_default_paths(paths))
    seen: set[Diagnostic] = set()
    failed = warned = 0
    for _, diagnostics in check_files(files, strict):
        _echo_diagnostics(diagnostics, seen)
        if errors_only(diagnostics):
            failed += 1
        elif diagnostics:
            warned += 1
    summary = f"{len(files)} release(s) checked: {failed} with errors, {warned} with warnings only"
    click.echo(summary, err=bool(failed))
    if failed:
        sys.exit(1)


def _capped_jobs(ctx: click.Context, jobs: int) -> int:
    """-j as the machine allows it (see pressgen.builder.executors.worker_cap), saying so when that is fewer."""
    from click.core import ParameterSource

    from pressgen.builder.executors import worker_cap

    workers, why = worker_cap(jobs)
    if why and ctx.get_parameter_source("jobs") is not ParameterSource.DEFAULT:
        click.echo(f"-j {jobs}: using at most {workers} worker{'s' if workers != 1 else ''} ({why})", err=True)
    return workers


@cli.command(name="build")
@click.argument("paths", nargs=-1)
@click.option("--lang", "langs", help="Only these languages, e.g. nl,fr.")
@click.option("--format", "formats", help=f"Only these formats: {', '.join(FORMAT_NAMES)}.")
@click.option("--tag", "tags", multiple=True, help="Only releases with this tag (repeatable).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder, in place of the output pattern's leading folder (dist).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="cores",
              callback=lambda ctx, param, jobs: _capped_jobs(ctx, jobs),
              help="Documents rendered in parallel (at most one per core, and as many as memory holds).")
@click.option("--final", is_flag=True, help="Refuse translations that are not reviewed.")
@click.option("--force", is_flag=True, help="Rebuild every document, even when up to date.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where documents are rendered.")
@click.option("--scheduler", callback=_scheduler_address,
              help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask).")
def build_command(paths: tuple[str, ...], langs: str | None, formats: str | None, tags: tuple[str, ...],
                  out: Path | None, jobs: int, final: bool, force: bool, executor: str,
                  scheduler: str | None) -> None:
    """Render releases to PDF and DOCX (only what changed; --force for all).

    PATHS are release files, folders, or release ids and globs ('iom-*'). A --lang
    that no selected release is in builds nothing in it, says so and exits 1.
    """
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is used only with --executor dask; add --executor dask",
                               click.get_current_context())
    _require_known(_split(formats) or (), FORMAT_NAMES, "--format", "a format pressgen writes")
    if _split(langs):
        _check_build_languages(_split(langs) or (), _default_paths(paths))
    options = BuildOptions(langs=_split(langs), formats=_split(formats), tags=tags or None, out=out,
                           final=final, force=force, jobs=jobs, executor=executor, scheduler=scheduler)
    def stopping() -> None:
        click.echo("stopping: finishing the documents being rendered (interrupt again to stop at once)",
                   err=True)

    with _progress() as (on_plan, on_document):
        report = build(_default_paths(paths), options, on_document=on_document, on_plan=on_plan,
                       on_interrupt=stopping)
    if report.interrupted:  # already stopping: a further signal changes nothing, so let the summary print
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
    _summarize(report)
    if report.interrupted:
        sys.exit(130)
    if not report.ok:
        sys.exit(1)
    if _missing_languages(report, _split(langs) or ()):
        sys.exit(1)


def _missing_languages(report: BuildReport, langs: Sequence[str]) -> list[str]:
    """Say which of the asked-for languages no release of the selection is in; return them."""
    present = {document.lang for outcome in report.outcomes for document, _ in outcome.documents}
    missing = [lang for lang in langs if lang not in present] if report.outcomes else []
    for lang in missing:
        click.echo(f"error: no release of the selection is in {lang}, so no {lang} document was built (none has "
                   f"{lang} text yet)\n  hint: 'pressgen translate RELEASE --to {lang}' writes a {lang} draft; "
                   "'pressgen status' shows the languages of each release", err=True)
    return missing


@contextmanager
def _progress() -> Iterator[tuple[Callable[[int], None], Callable[[Document, Status], None]]]:
    """A progress bar on a terminal; one plain line per document anywhere else (CI logs)."""
    if not sys.stdout.isatty():
        def line(document: Document, status: Status) -> None:
            click.echo(f"{status:10} {document.release_id} {document.lang} {document.format} "
                       f"{_display(document.path)}")
        yield (lambda total: None), line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), TextColumn("{task.fields[last]}"), transient=True) as progress:
        task = progress.add_task("rendering", total=None, last="")

        def planned(total: int) -> None:
            progress.update(task, total=total)

        def document(document: Document, status: Status) -> None:
            if status in ("built", "failed", "cancelled"):
                progress.update(task, advance=1, last=f"{document.release_id} {document.lang} {document.format}")
            if status == "failed":
                progress.console.print(f"[red]failed[/red] {document.release_id} {document.lang} {document.format}")

        yield planned, document


def _summarize(report: BuildReport) -> None:
    seen: set[Diagnostic] = set()
    for outcome in report.outcomes:
        _echo_diagnostics(outcome.diagnostics, seen)
    click.echo(summary_line(report), err=not report.ok)


@cli.command()
@click.argument("release", required=False)
@click.option("--to", "targets", required=True, help="Languages to draft, e.g. fr,en.")
@click.option("--workspace", "of_workspace", is_flag=True,
              help="Draft the workspace's own texts (organisation and contact texts of pressgen.yaml) that are "
                   "missing in these languages, in place of a release's.")
@click.option("--provider", type=click.Choice(["google", "mymemory", "deepl", "libre"]),
              help="Override translation.provider of pressgen.yaml.")
@click.option("--allow-embargoed", is_flag=True,
              help="Send an embargoed release to a public provider anyway.")
@click.option("--retranslate", is_flag=True,
              help="Draft every segment again, overwriting human (draft and reviewed) text; asks first on a terminal.")
@click.option("--replace-stale", is_flag=True,
              help="Replace the human text of segments whose source changed with machine drafts; asks first on a "
                   "terminal. Without it that text is kept and the draft goes into the memory as a suggestion.")
@click.option("--adopt", is_flag=True,
              help="Record the fact and photo texts that have no segment record yet in the language's status "
                   "(reviewed when the language is reviewed and current); without it they count as draft.")
def translate(release: str | None, targets: str, provider: str | None, allow_embargoed: bool, retranslate: bool,
              replace_stale: bool, adopt: bool, of_workspace: bool) -> None:
    """Machine-draft the missing and changed segments of languages into the release file.

    Missing segments, and changed ones whose translation is a machine's, are
    drafted; human text is never replaced unless asked (--replace-stale,
    --retranslate), and what is replaced stays in the translation memory.
    RELEASE is a release file or a release id of the current workspace.
    """
    from pressgen.translation.translate import human_segments, translate_release

    if of_workspace or release is None:
        _translate_workspace(release, targets, provider, of_workspace)
        return
    path = _one_release(release)
    workspace = check_workspace(find_workspace(path))
    languages = _split(targets) or []
    _check_languages(languages, "--to", workspace, path)
    if retranslate and sys.stdin.isatty():
        count = human_segments(path, workspace, languages)
        if count and not click.confirm(f"--retranslate overwrites {count} draft or reviewed segment(s) of "
                                       f"{', '.join(languages)} with machine drafts. Go on?", default=False):
            raise click.exceptions.Abort()
    elif replace_stale and sys.stdin.isatty():
        count = human_segments(path, workspace, languages, stale_only=True)
        if count and not click.confirm(f"--replace-stale replaces the human text of {count} stale segment(s) of "
                                       f"{', '.join(languages)} with machine drafts (the human text is kept in "
                                       "the translation memory). Go on?", default=False):
            raise click.exceptions.Abort()
    report = translate_release(path, workspace, languages, provider, allow_embargoed, retranslate=retranslate,
                               replace_stale=replace_stale, adopt=adopt)
    for lang, count in report.adopted.items():
        click.echo(f"adopted  {lang}: {count} fact or photo text(s) recorded as they are")
    for lang, reason in report.skipped.items():
        click.echo(f"skipped  {lang}: {reason}")
    for lang, labels in report.kept.items():
        for label in labels:
            click.echo(f"{lang} {label}: stale, human text kept; machine suggestion in the memory; "
                       "run with --replace-stale to replace")
    for lang, dropped in report.dropped.items():
        for name, text in dropped:
            click.echo(f"{lang} {name}: the translation of a deleted source paragraph is dropped, kept in the "
                       f"translation memory: «{' '.join(text.split())}»")
    for lang in report.written:
        reused = f", {report.reused[lang]} from reviewed translations" if report.reused.get(lang) else ""
        replaced = (f"; {report.replaced[lang]} human segment(s) replaced, kept in the translation memory"
                    if report.replaced.get(lang) else "")
        click.echo(f"drafted  {lang}: {report.drafted.get(lang, 0)} segment(s){reused} in {_display(path)}"
                   f"{replaced}")
    _end_translate(report, len(report.written))


def _echo_word_bands(rows: list[dict[str, Any]]) -> None:
    """The CAT analysis of ``status --words``: source words per match band, per release and language, and a
    total per language (see pressgen/translation/analysis.py)."""
    from pressgen.translation.analysis import band_table, totals

    table = [(row["release"], lang, data["bands"]) for row in rows for lang, data in row["analysis"].items()]
    languages = list(dict.fromkeys(lang for _, lang, _ in table))
    table += [("total", lang, totals(bands for _, other, bands in table if other == lang)) for lang in languages]
    click.echo("\nwords by match (a CAT analysis: repetitions within a release; machine output is no match)")
    for line in band_table(table):
        click.echo(line)


def _end_translate(report: Any, drafted: int) -> None:
    """The end of a translate run: its problems, the summary line, exit 1 when a problem was found."""
    _echo_diagnostics(report.diagnostics)
    click.echo(f"{drafted} language(s) drafted, {report.requests} request(s) to the provider",
               err=bool(report.diagnostics))
    if report.diagnostics:
        sys.exit(1)


def _translate_workspace(release: str | None, targets: str, provider: str | None, of_workspace: bool) -> None:
    """``translate --workspace``: machine drafts of the workspace's own missing texts (issue 18)."""
    from pressgen.translation.workspace_translate import translate_workspace

    context = click.get_current_context()
    if not of_workspace:
        raise click.UsageError("name the release to translate, or --workspace for the workspace's own texts",
                               context)
    if release is not None:
        raise click.UsageError("--workspace drafts the texts of pressgen.yaml: name no release with it", context)
    workspace = check_workspace(find_workspace(Path.cwd()))
    report = translate_workspace(workspace, _split(targets) or [], provider)
    for lang, reason in report.skipped.items():
        click.echo(f"skipped  {lang}: {reason}")
    for lang, places in report.kept.items():
        for place in places:
            click.echo(f"{lang} {place}: stale, human text kept; machine suggestion in the memory")
    for lang, places in report.drafted.items():
        click.echo(f"drafted  {lang}: {len(places)} workspace text(s) in {_display(workspace.config_path)} "
                   f"({'; '.join(places)}); review them with 'pressgen review workspace export --lang {lang}'")
    _end_translate(report, len(report.drafted))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--words", is_flag=True, help="Also print new, changed and unchanged source words per language, "
              "and the words per match band (context, 100%, repetitions, 95-99, 85-94, 75-84, no match).")
def status(paths: tuple[str, ...], as_json: bool, words: bool) -> None:
    """Show each release's languages: source, reviewed, machine, draft, stale or missing, with segment counts.

    'stale 1/12' means one of twelve segments changed in the source since it was translated; '!2' that two
    facts (numbers, dates, phones, links…) of the source are not in the translation ('pressgen check' says which).
    """
    import json

    from pressgen.translation.status import cell, status_table

    files = release_files(_default_paths(paths))
    rows, languages, problems = status_table(files)
    from pressgen.translation.status import workspace_status  # issue 18: pressgen.yaml's own texts

    texts = workspace_status(files) if rows else []
    if as_json:
        click.echo(json.dumps({"languages": languages, "releases": rows, "workspace_texts": texts}, indent=2,
                              ensure_ascii=False))
    else:
        width = max([len("release"), *(len(row["release"]) for row in rows)])
        click.echo("  ".join(["release".ljust(width), *(lang.ljust(16) for lang in languages)]).rstrip())
        for row in rows:
            cells = [cell(row, lang).ljust(16) for lang in languages]
            click.echo("  ".join([row["release"].ljust(width), *cells]).rstrip())
        width = max(width, *(len(row["release"]) for row in texts)) if texts else width
        for row in texts:  # the organisations' and contacts' texts, one line per workspace
            click.echo("  ".join([row["release"].ljust(width), *(cell(row, lang).ljust(16)
                                                                 for lang in languages)]).rstrip())
        if words:
            click.echo("\nwords to translate (new / changed / unchanged source words)")
            for row in [*rows, *texts]:
                for lang, count in row["words"].items():
                    click.echo(f"{row['release'].ljust(width)}  {lang}  {count['new']} new, {count['changed']} "
                               f"changed, {count['unchanged']} unchanged")
            _echo_word_bands(rows)
    _echo_diagnostics(problems)
    if problems:
        sys.exit(1)


@cli.command()
@click.argument("workspace_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this machine can reach the default; on a shared office "
                   "server, anyone who reaches the address can read and edit the workspace.")
@click.option("--open", "open_browser", is_flag=True, help="Open the studio in the web browser.")
def serve(workspace_dir: Path | None, port: int, host: str, open_browser: bool) -> None:
    """Open the studio: write, translate, review, preview and build releases in the browser.

    WORKSPACE_DIR defaults to the workspace around the current folder. The
    release files stay the single source of truth: every save goes through the
    same safe write-back as the command line.
    """
    from pressgen.studio import create_app
    from pressgen.studio import serve as run_studio
    from pressgen.studio.app import listen
    from pressgen.studio.hosts import is_loopback

    root = find_workspace(workspace_dir or Path.cwd())
    listener = listen(host, port)
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this address can read and edit "
                   "the releases of this workspace", err=True)
    click.echo(f"studio for {_display(root)} at {url} (Ctrl-C to stop)", err=True)
    click.echo(url)  # alone on standard output, for scripts
    sys.stdout.flush()
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        run_studio(create_app(root, host), listener)
    except KeyboardInterrupt:
        pass
    click.echo("stopped", err=True)


@cli.group()
def review() -> None:
    """Review round trip: XLIFF 1.2 for CAT tools, or a bilingual DOCX."""


def _review_path(workspace_root: Path, release_id: str, lang: str, fmt: str) -> Path:
    return workspace_root / "review" / f"{release_id}.{lang}.{'xlf' if fmt == 'xliff' else 'review.docx'}"


def _echo_import_report(report: Any, state: str, written: Path) -> None:
    """An import's report: its conflicts and skipped units, each unit applied or unchanged, the notes kept,
    and the summary line (on standard error when there are conflicts)."""
    _echo_diagnostics(report.skipped + report.conflicts)
    for unit in report.units:
        if unit.category in ("applied", "unchanged"):
            click.echo(f"{unit.category}: {unit.where} (unit '{unit.unit_id}')")
    for note in report.notes:
        click.echo(f"note kept: {note}")
    change = f"{_display(written)} updated" if report.written else "nothing changed"
    click.echo(f"{report.applied} applied, {report.unchanged} unchanged, {len(report.conflicts)} conflict(s), "
               f"{len(report.skipped)} skipped; {state}; {change}", err=bool(report.conflicts))


@review.command(name="export")
@click.argument("release")
@click.option("--lang", required=True, help="The translation to review, e.g. fr (it may be missing still).")
@click.option("--format", "fmt", type=click.Choice(["xliff", "docx"]), default=None,
              help="xliff (the default) or docx; an --out FILE ending in .docx or .xlf/.xliff decides it.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write (default: review/RELEASE.LANG.xlf or .review.docx in the workspace).")
@click.option("--force", is_flag=True, help="Replace an earlier export (a reviewer may be working on it).")
@click.option("--for", "tool", type=click.Choice(["omegat"]), default=None,
              help="A translation kit for a CAT tool whose XLIFF filter translates the target (OmegaT, Okapi): "
                   "every target a copy of the source, marked needs-translation; the translations come from "
                   "the project memory ('pressgen tm export').")
def review_export(release: str, lang: str, fmt: str | None, out: Path | None, force: bool,
                  tool: str | None) -> None:
    """Write RELEASE's LANG text for review: one unit per field and paragraph."""
    from pressgen.files import write_atomic
    from pressgen.translation.review import export_docx, export_xliff

    by_name = {".docx": "docx", ".xlf": "xliff", ".xliff": "xliff"}.get(out.suffix.lower()) if out else None
    if fmt is not None and by_name is not None and fmt != by_name:
        raise UsageError(f"--out {out} is a {by_name.upper()} file by its name, but --format is {fmt}: "
                         "a reviewer's tool could not open it; leave out one of them")
    fmt = fmt or by_name or "xliff"

    path = _one_release(release)
    workspace = check_workspace(find_workspace(path))
    _check_languages([lang], "--lang", workspace, path)
    model, loaded = _release_for_translation(path, workspace)
    target = out or _review_path(workspace.root, model.id, lang, fmt)
    if target.exists() and not force:
        raise UsageError(f"{_display(target)} exists: a reviewer may be working on it; import it first, "
                         "or pass --force to replace it (or --out to write elsewhere)")
    if tool is not None and fmt != "xliff":
        raise UsageError(f"--for {tool} writes XLIFF; leave out --format {fmt}")
    data = export_xliff(model, workspace, lang, loaded, kit=tool is not None) if fmt == "xliff" \
        else export_docx(model, workspace, lang)
    write_atomic(target, data)
    click.echo(f"wrote {_display(target)}")
    if tool is not None:
        click.echo("hint: put it in the OmegaT project's source/ folder, and the memory ('pressgen tm export "
                   "FILE.tmx') in its tm/auto/ folder; import OmegaT's file from target/ with 'pressgen review "
                   f"import {model.id} --lang {lang} --file FILE'", err=True)


@review.command(name="import")
@click.argument("release")
@click.option("--lang", required=True, help="The translation reviewed, e.g. fr.")
@click.option("--file", "source", type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True),
              help="The reviewed XLIFF or DOCX file (default: review/RELEASE.LANG.xlf in the workspace); "
                   "'-' reads it from standard input, as does a pipe such as /dev/stdin.")
def review_import(release: str, lang: str, source: Path | None) -> None:
    """Apply a reviewed XLIFF or bilingual DOCX file; units that cannot be applied are listed, not applied."""
    from pressgen.translation.review import import_docx, import_xliff

    path = _one_release(release)
    workspace = check_workspace(find_workspace(path))
    _check_languages([lang], "--lang", workspace, path)
    model, _ = _release_for_translation(path, workspace)
    reviewed = source or _review_path(workspace.root, model.id, lang, "xliff")
    if source is None and not reviewed.is_file():
        raise UsageError(f"no such file: {reviewed} (export it first with 'pressgen review export')")
    with _as_file(reviewed) as (file, shown):
        importer = import_docx if file.suffix.lower() == ".docx" else import_xliff
        try:
            report = importer(file, model, workspace, lang)
        except PressgenError as exc:
            exc.diagnostics = [_renamed(d, file, shown) for d in exc.diagnostics]
            raise
        report.conflicts = [_renamed(d, file, shown) for d in report.conflicts]
        report.skipped = [_renamed(d, file, shown) for d in report.skipped]
    _echo_import_report(report, f"{lang} is now {report.status}", path)
    if report.conflicts:
        sys.exit(1)


@review.group(name="workspace")
def review_workspace() -> None:
    """The workspace's own texts (organisation names, taglines, "About" headings, addresses, boilerplates,
    contact roles in pressgen.yaml): review them as XLIFF or a bilingual DOCX."""


@review_workspace.command(name="export")
@click.option("--lang", required=True, help="The translation to review, e.g. fr.")
@click.option("--format", "fmt", type=click.Choice(["xliff", "docx"]), default="xliff", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write (default: review/workspace.LANG.xlf or .review.docx in the workspace).")
@click.option("--force", is_flag=True, help="Replace an earlier export (a reviewer may be working on it).")
def review_workspace_export(lang: str, fmt: str, out: Path | None, force: bool) -> None:
    """Write the workspace's LANG texts for review: one unit per organisation and contact text."""
    from pressgen.files import write_atomic
    from pressgen.translation.workspace_review import TITLE_ID, export_workspace_docx, export_workspace_xliff

    workspace = check_workspace(find_workspace(Path.cwd()))
    target = out or _review_path(workspace.root, TITLE_ID, lang, fmt)
    if target.exists() and not force:
        raise UsageError(f"{_display(target)} exists: a reviewer may be working on it; import it first, "
                         "or pass --force to replace it (or --out to write elsewhere)")
    data = export_workspace_xliff(workspace, lang) if fmt == "xliff" else export_workspace_docx(workspace, lang)
    write_atomic(target, data)
    click.echo(f"wrote {_display(target)}")


@review_workspace.command(name="import")
@click.option("--lang", required=True, help="The translation reviewed, e.g. fr.")
@click.option("--file", "source", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The reviewed XLIFF or DOCX file (default: review/workspace.LANG.xlf in the workspace).")
def review_workspace_import(lang: str, source: Path | None) -> None:
    """Apply a reviewed workspace XLIFF or DOCX to pressgen.yaml; units that cannot be applied are listed."""
    from pressgen.translation.workspace_review import TITLE_ID, import_workspace

    workspace = check_workspace(find_workspace(Path.cwd()))
    reviewed = source or _review_path(workspace.root, TITLE_ID, lang, "xliff")
    if not reviewed.is_file():
        raise UsageError(f"no such file: {reviewed} (export it first with 'pressgen review workspace export')")
    report = import_workspace(reviewed, workspace, lang)
    _echo_import_report(report, f"the workspace's {lang} texts are now {report.status}", workspace.config_path)
    if report.conflicts:
        sys.exit(1)


STDIN = Path("<stdin>")


@contextmanager
def _as_file(source: Path) -> Iterator[tuple[Path, Path]]:
    """Yield a regular file holding ``source``, and the name to report it by.

    A regular file is itself. Standard input ('-') or a pipe (/dev/stdin, a FIFO)
    is read, bounded like a review file, into a private temporary file named by
    what it holds (a DOCX is a zip archive, anything else is read as XLIFF).
    """
    from pressgen.translation.review import MAX_XLIFF_BYTES
    from pressgen.translation.review_docx import MAX_DOCX_BYTES

    dash = str(source) == "-"
    if not dash and stat.S_ISREG(source.stat().st_mode):
        yield source, source
        return
    limit = max(MAX_XLIFF_BYTES, MAX_DOCX_BYTES)
    shown = STDIN if dash else source
    if dash and sys.stdin.isatty():
        click.echo("reading the reviewed file from standard input (end it with Ctrl-D)", err=True)
    try:
        if dash:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with source.open("rb") as stream:
                data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError("unreadable", [Diagnostic(shown, 1, 1, f"cannot read: {exc.strerror or exc}")]) from None
    if len(data) > limit:
        raise InputError("too large", [Diagnostic(shown, 1, 1, f"more than {limit} bytes: not a review file",
                                                  "pass the XLIFF or DOCX that 'pressgen review export' wrote")])
    with tempfile.TemporaryDirectory(prefix="pressgen-review-") as folder:
        copy = Path(folder) / ("review.docx" if data.startswith(b"PK\x03\x04") else "review.xlf")
        copy.write_bytes(data)  # a private copy of what was read, not a user's file
        yield copy, shown


def _renamed(diagnostic: Diagnostic, file: Path, shown: Path) -> Diagnostic:
    return dataclasses.replace(diagnostic, path=shown) if diagnostic.path == file and file != shown else diagnostic


def _release_for_translation(path: Path, workspace: Workspace) -> tuple[Release, LoadedYaml]:
    """Load a release whose translations may still be missing; raises InputError for other errors."""
    from pressgen.errors import InputError

    checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
    if checked.release is None or checked.loaded is None:
        raise InputError(f"{path}: invalid release", checked.diagnostics)
    return checked.release, checked.loaded


@cli.group()
def tm() -> None:
    """The translation memory as TMX 1.4b: share reviewed translations with CAT tools and other workspaces."""


@tm.command(name="export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def tm_export(file: Path, force: bool) -> None:
    """Write every reviewed segment pair of the workspace's releases and memory to FILE (TMX 1.4b, with
    inline codes)."""
    from pressgen.files import write_atomic
    from pressgen.translation.tmx import export_tmx_report

    workspace = check_workspace(find_workspace(Path.cwd()))
    if file.exists() and not force:
        raise UsageError(f"{_display(file)} exists; pass --force to replace it")
    data, count, left_out = export_tmx_report(workspace)
    _echo_diagnostics(left_out)
    write_atomic(file, data)
    click.echo(f"wrote {count} reviewed pair(s) to {_display(file)}")


@tm.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def tm_import(file: Path) -> None:
    """Add the segment pairs of FILE (TMX 1.4b) to the memory as reviewed translations."""
    from pressgen.translation.tmx import import_tmx

    workspace = check_workspace(find_workspace(Path.cwd()))
    report = import_tmx(file, workspace)
    _echo_diagnostics(report.warnings)
    skipped = f"; {report.skipped} unit(s) skipped (other languages, or codes without Markdown)" \
        if report.skipped else ""
    click.echo(f"imported {report.pairs} pair(s) from {_display(file)}{skipped}")


@tm.command(name="matches")
@click.argument("release", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--lang", required=True, help="The translation, e.g. fr.")
@click.option("--all", "every", is_flag=True, help="Also the segments that have a human translation already.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def tm_matches(release: Path, lang: str, every: bool, as_json: bool) -> None:
    """Fuzzy matches (75 % or more alike) for RELEASE's LANG segments still to translate: human translations of
    similar source texts from the memory, the workspace's releases and the segment's own history. Offered for
    editing, never applied."""
    import json

    from pressgen.translation.status import release_matches

    release_id, found = release_matches(release, lang, every=every)
    if as_json:
        click.echo(json.dumps({"release": release_id, "lang": lang, "segments": [
            {"id": unit, "field": name, "source": source,
             "matches": [dataclasses.asdict(match) for match in matches]}
            for unit, name, source, matches in found]}, indent=2, ensure_ascii=False))
        return
    for unit, _name, source, matches in found:
        click.echo(f"{unit}: {' '.join(source.split())[:70]}")
        for match in matches:
            click.echo(f"  {match.percent:3d}%  {match.origin}: {' '.join(match.target.split())[:90]}")
        if not matches:
            click.echo("  no match of 75 % or more")
    click.echo(f"{sum(bool(m) for _, _, _, m in found)} of {len(found)} segment(s) with a fuzzy match "
               "(offered, never applied)")


@cli.group()
def locales() -> None:
    """Label catalogs (PO files) of the fixed words: extract, update, init LANG, check."""


def _catalog_root(package: bool) -> Path | None:
    return None if package else find_workspace(Path.cwd())


_package_option = click.option("--package", is_flag=True,
                               help="Work on pressgen's own catalogs instead of the workspace's.")


@locales.command()
@_package_option
def extract(package: bool) -> None:
    """Collect the marked words of pressgen and the workspace's templates into locales/pressgen.pot."""
    from pressgen.translation.catalogs import extract as run_extract

    pot, count = run_extract(_catalog_root(package))
    click.echo(f"extracted {count} message(s) into {_display(pot)}")


@locales.command()
@_package_option
def update(package: bool) -> None:
    """Merge locales/pressgen.pot into every PO file."""
    from pressgen.translation.catalogs import update as run_update

    for path in run_update(_catalog_root(package)):
        click.echo(f"updated {_display(path)}")


@locales.command(name="init")
@click.argument("lang")
@_package_option
def init_command(lang: str, package: bool) -> None:
    """Start the catalog of a new language LANG (entries fall back to English until translated)."""
    from pressgen.translation.catalogs import init as run_init

    path = run_init(_catalog_root(package), lang)
    click.echo(f"created {_display(path)}; translate it, then add '{lang}' with its locale to pressgen.yaml")


@locales.command(name="check")
@_package_option
def check_catalogs(package: bool) -> None:
    """Report untranslated and fuzzy entries per language; exit 1 when any (for CI)."""
    from pressgen.resources import PACKAGED_LOCALES
    from pressgen.translation.catalogs import check as run_check

    root = _catalog_root(package)
    if root is None:
        languages = sorted(p.name for p in PACKAGED_LOCALES.iterdir() if p.is_dir())
    else:
        config = check_workspace(root).config
        extra = sorted(p.name for p in (root / "locales").glob("*") if p.is_dir())
        languages = list(dict.fromkeys([*config.languages, *extra]))
    incomplete = 0
    for report in run_check(root, languages):
        if not report.files:
            click.echo(f"{report.lang}: no catalog; create it with 'pressgen locales init {report.lang}'", err=True)
        elif report.complete:
            click.echo(f"{report.lang}: complete")
        else:
            parts = []
            if report.untranslated:
                parts.append(f"{len(report.untranslated)} untranslated ({', '.join(map(repr, report.untranslated))})")
            if report.fuzzy:
                parts.append(f"{len(report.fuzzy)} fuzzy ({', '.join(map(repr, report.fuzzy))})")
            for path, fields in report.placeholders.items():
                parts.append(f"{_display(path)}: placeholder header {', '.join(fields)} (fill in the translator "
                             "and team)")
            click.echo(f"{report.lang}: " + "; ".join(parts), err=True)
        incomplete += not report.complete
    if incomplete:
        sys.exit(1)


# --- pressgen mail: the release to journalists, each in their language (pressgen.distribution.mail) ------


def _iso_time(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 time, e.g. 2017-05-26T09:00:00+02:00",
                                 ctx=ctx, param=param) from None
    if when.tzinfo is None:
        raise click.BadParameter(f"'{value}' has no time zone: add one, e.g. {value}+02:00 or {value}Z",
                                 ctx=ctx, param=param)
    return when


@contextmanager
def _mail_progress(verb: str, total: int) -> Iterator[Callable[[object, str], None]]:
    """A progress bar on a terminal; one line per message anywhere else (CI logs, scripts)."""
    if not sys.stdout.isatty():
        def line(assignment: object, status: str) -> None:
            recipient = assignment.recipient  # type: ignore[attr-defined]
            click.echo(f"{status:9} {assignment.lang} {recipient.email}")  # type: ignore[attr-defined]
        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), TextColumn("{task.fields[last]}"), transient=True) as progress:
        task = progress.add_task(verb, total=total, last="")

        def advance(assignment: object, status: str) -> None:
            recipient = assignment.recipient  # type: ignore[attr-defined]
            progress.update(task, advance=1, last=f"{assignment.lang} {recipient.email}")  # type: ignore[attr-defined]
            if status != "sent" and status != "written":
                progress.console.print(f"[red]{status}[/red] {recipient.email}")

        yield advance


@cli.command(name="mail")
@click.argument("release")
@click.option("--list", "media_list", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The media list: CSV or YAML with the columns name,email,language,outlet,tags.")
@click.option("--dry-run", "dry_run", type=click.Path(path_type=Path, file_okay=False),
              help="Write one .eml file per recipient into this folder; send nothing.")
@click.option("--send", "send_now", is_flag=True, help="Send through the SMTP server of pressgen.yaml (mail.smtp).")
@click.option("--allow-draft", is_flag=True,
              help="Send languages that are not ready too (stale, unreviewed, facts that differ), marked as drafts.")
@click.option("--strict-language", is_flag=True,
              help="A recipient whose language is not ready gets nothing (default: the source language).")
@click.option("--corrections", is_flag=True,
              help="Send the changed release only to those who received an earlier version, with a correction note.")
@click.option("--resend-uncertain", is_flag=True,
              help="Send again the messages an interrupted run left uncertain (same Message-ID).")
@click.option("--now", metavar="ISO-TIME", callback=_iso_time,
              help="The time to judge the embargo by (ISO, with zone; default: now).")
def mail_command(release: str, media_list: Path | None, dry_run: Path | None, send_now: bool, allow_draft: bool,
                 strict_language: bool, corrections: bool, resend_uncertain: bool, now: dt.datetime | None) -> None:
    """Mail RELEASE to each journalist of a media list, in their language, with the PDF attached.

    Only languages that are ready go out (no errors, every segment reviewed and current, the
    facts as in the source); a journalist whose language is not ready gets the source language
    (or nothing with --strict-language), and the command says why. A send log in .pressgen/mail/
    makes a repeated or interrupted --send mail nobody twice.
    """
    from pressgen.check.readiness import readiness
    from pressgen.distribution import mail
    from pressgen.distribution.sendlog import SendLog, log_path
    from pressgen.files import NotWritten, locked
    from pressgen.workspace.medialist import read_media_list

    if dry_run is not None and send_now:
        raise click.UsageError("--dry-run and --send exclude each other: look first, then send",
                               click.get_current_context())
    if media_list is None and not corrections:
        raise click.UsageError("name the media list with --list FILE (CSV or YAML)", click.get_current_context())
    path = _one_release(release)
    workspace = check_workspace(find_workspace(path))
    settings = mail.mail_settings(workspace, smtp=send_now)
    password = mail.smtp_password(workspace, settings, dict(os.environ)) if send_now else None
    recipients = read_media_list(media_list, workspace.config.languages) if media_list else None
    verdict = readiness(path, workspace)
    if verdict.release is None:
        _echo_diagnostics(errors_only(verdict.diagnostics))
        click.echo(f"error: {_display(path)} has errors: nothing is sent", err=True)
        sys.exit(1)
    log_file = log_path(workspace.root, verdict.release.id)
    try:
        with locked(log_file, timeout=2):
            log = SendLog.read(log_file)
            plan = mail.plan_mail(verdict, workspace, recipients, log, allow_draft=allow_draft,
                                  strict_language=strict_language, corrections=corrections,
                                  resend_uncertain=resend_uncertain)
            for note in plan.notes:
                click.echo(note, err=True)
            for why, people in plan.skipped.items():
                shown = ", ".join(p.email for p in people[:5]) + (", …" if len(people) > 5 else "")
                click.echo(f"{len(people)} recipient(s) skipped, {why}: {shown}", err=True)
            counts = ", ".join(f"{lang} {sum(a.lang == lang for a in plan.going)}" for lang in plan.languages)
            what = "correction(s)" if corrections else "message(s)"
            if not plan.going:
                click.echo(f"nothing to send: no {what} due")
                sys.exit(1 if plan.skipped.get(mail.UNCERTAIN) else 0)
            composer = mail.Composer(workspace, verdict.release, settings, now or dt.datetime.now(dt.UTC),
                                     mail.release_pdfs(path, plan.languages), plan.drafts)
            if dry_run is not None:
                with _mail_progress("writing", len(plan.going)) as progress:
                    written = mail.write_dry_run(plan, composer, dry_run, progress)
                click.echo(f"wrote {len(written)} {what} ({counts}) to {_display(dry_run)}; nothing sent")
                return
            if not send_now:
                click.echo(f"{len(plan.going)} {what} due ({counts}); nothing sent: --dry-run DIR writes them, "
                           "--send sends them")
                return
            with _mail_progress("sending", len(plan.going)) as progress:
                report = mail.send(plan, composer, workspace, settings, log, password, progress)
    except NotWritten as exc:
        raise PressgenError(f"another pressgen mail is sending {verdict.release.id}, or the send log "
                            f"{_display(log_file)} cannot be locked: {exc}") from None
    for assignment, reply in report.failed:
        click.echo(f"error: {assignment.recipient.email}: the server refused the message: {reply}", err=True)
    if report.uncertain is not None:
        click.echo(f"error: the connection broke while sending to {report.uncertain.recipient.email}: the server "
                   "may have that message; run again to send the rest (--resend-uncertain to send that one too)",
                   err=True)
    line = f"sent {report.sent} {what} ({counts}), {len(report.failed)} refused"
    if report.interrupted:
        click.echo(f"interrupted: {line}; run the same command again to send the rest", err=True)
        sys.exit(130)
    click.echo(line, err=bool(report.failed or report.uncertain))
    if report.failed or report.uncertain or plan.skipped.get(mail.UNCERTAIN):
        sys.exit(1)


# --- pressgen publish: the newsroom ---------------------------------------------------------------


@cli.command(name="publish")
@click.argument("paths", nargs=-1)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="The site folder (default: site/ in the workspace); replaced as a whole, at once.")
@click.option("--now", callback=_iso_time, metavar="ISO-TIME",
              help="The clock embargoes are measured against (default: now), e.g. 2017-05-26T10:00+02:00.")
@click.option("--allow-draft", is_flag=True,
              help="Also publish languages that are not ready (stale, unreviewed, facts differing), marked draft.")
@click.option("--no-downloads", is_flag=True, help="Pages without the PDF and DOCX downloads (photos stay).")
def publish_command(paths: tuple[str, ...], out: Path | None, now: dt.datetime | None, allow_draft: bool,
                    no_downloads: bool) -> None:
    """Write the static newsroom: pages, indexes, feeds, sitemap and ninjs; embargo-safe.

    Only languages that are ready are published (see 'pressgen status'); the others are named with
    the reason. Only what changed is written; the site folder is replaced at once, never half-updated.
    """
    from pressgen.distribution.site import PublishOptions, publish

    options = PublishOptions(out=out, now=now,
                             allow_draft=allow_draft, downloads=not no_downloads)
    report = publish(_default_paths(paths), options)
    _echo_diagnostics(report.diagnostics, set())
    for rid in report.failed:
        click.echo(f"{rid}: not published: the release has errors", err=True)
    for rid, held in sorted(report.held_back.items()):
        for lang, reasons in held.items():
            what = "every language" if lang == "*" else lang
            click.echo(f"{rid}: {what} left out: {'; '.join(reasons) or 'not ready'}")
    for rid, langs in sorted(report.drafts.items()):
        click.echo(f"{rid}: {', '.join(langs)} published as a draft (--allow-draft); the pages say so")
    for rid, changes in sorted(report.corrected.items()):
        for lang, version in sorted(changes.items()):
            click.echo(f"{rid}: {lang} corrected: version {version}, with a correction note")
    for rid, (lift, previews) in sorted(report.embargoed.items()):
        click.echo(f"{rid}: embargoed until {lift.isoformat()}: not public; preview pages for journalists "
                   "(do not share them publicly):")
        for lang, rel in previews.items():
            click.echo(f"  {lang}: {report.base_url + rel if report.base_url else _display(report.site / rel)}")
    languages = sorted({lang for langs in report.published.values() for lang in langs})
    if report.base_url is None and report.published:
        click.echo("note: no sitemap.xml, and relative links in feeds and ninjs: give the address the site is "
                   "served from in pressgen.yaml, site: {base_url: https://press.example.org/}")
    if not report.written and not report.removed:
        click.echo(f"nothing to do: {_display(report.site)} is up to date ({report.unchanged} file(s), "
                   f"{len(report.published)} release(s)) in {report.seconds:.1f} s")
    else:
        click.echo(f"published {len(report.published)} release(s) in {', '.join(languages) or 'no language'} to "
                   f"{_display(report.site)}: {len(report.written)} file(s) written, {len(report.removed)} "
                   f"removed, {report.unchanged} unchanged in {report.seconds:.1f} s"
                   + ("" if report.atomic else " (this file system cannot exchange folders at once: "
                      "the site was missing for a moment)"))
    if not report.ok:
        sys.exit(1)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, mapping pressgen errors to messages and exit codes."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="pressgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PressgenError as exc:
        if exc.diagnostics:
            _echo_diagnostics(exc.diagnostics)
        else:
            click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("PRESSGEN_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} "
                   "(set PRESSGEN_DEBUG=1 for details, and please report it)", err=True)
        sys.exit(3)

