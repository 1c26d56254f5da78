"""The `trialgraph` command."""

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import click
import waitress

from trialgraph.app import create_app
from trialgraph.check import run_checks
from trialgraph.loading import load_paths
from trialgraph.private_files import make_private, write_private
from trialgraph.report import results_graph, results_table
from trialgraph.screening import (
    BatchScreening,
    PatientScreening,
    record_files,
    screen_batches,
)
from trialgraph.settings import Settings, SettingsError
from trialgraph.store import StoreError, TrialStore, open_store
from trialgraph.synthetic import write_bundles
from trialgraph.web.auth import ROLES, Tokens

DEMO_TOKENS = "demo-tokens.txt"


def as_of_option(help_text: str):
    """The --as-of YYYY-MM-DD option, given to the command as a date (today when absent)."""
    return click.option(
        "--as-of",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        callback=lambda _ctx, _param, value: value.date() if value else date.today(),
        help=help_text,
    )


@click.group()
@click.version_option(package_name="trialgraph")
def main() -> None:
    """TrialGraph: screen patients for the CD19/BCMA CAR-T lupus nephritis protocol."""


@main.command()
@click.option("--no-reasoner", is_flag=True, help="Skip the HermiT consistency check.")
def check(no_reasoner: bool) -> None:
    """Check the ontology, shapes and queries; exit 1 with a list of problems on failure."""
    problems = run_checks(reasoner=not no_reasoner)
    if problems:
        click.echo(f"{len(problems)} problem(s):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo("all checks passed")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@as_of_option("Screening date for records that give none (default: today).")
@click.option("--format", "output", type=click.Choice(["json", "table", "ttl"]), default="json")
def screen(paths: tuple[Path, ...], as_of: date, output: str) -> None:
    """Screen FHIR or RDF records (files or folders); exit 1 if a record was refused."""
    total = len(record_files(list(paths)))
    batches = screen_batches(list(paths), as_of, derived=output == "ttl")
    if sys.stderr.isatty() and total > 50:
        with click.progressbar(length=total, label="screening", file=sys.stderr) as bar:
            refused = _write_results(_reporting(batches, bar.update), as_of, output)
    else:
        refused = _write_results(batches, as_of, output)
    sys.exit(1 if refused else 0)


def _reporting(batches: Iterable[BatchScreening], progress) -> Iterator[BatchScreening]:
    for batch in batches:
        progress(batch.files)
        yield batch


def _write_results(batches: Iterable[BatchScreening], as_of: date, output: str) -> int:
    """Print the results and the refused records (on standard error); return how many refused."""
    refused = 0

    def screened() -> Iterator[PatientScreening]:
        nonlocal refused
        for batch in batches:
            for error in batch.errors:
                click.echo(f"refused: {error}", err=True)
            refused += len(batch.errors)
            yield from batch.results

    if output == "json":
        _write_json(screened(), as_of)
    elif output == "table":
        click.echo(results_table(list(screened())))
    else:
        click.echo(results_graph(list(screened()), as_of).serialize(format="turtle"))
    return refused


def _write_json(results: Iterable[PatientScreening], as_of: date) -> None:
    """Print the JSON document one patient at a time, so memory does not grow with the run."""
    click.echo(f'{{"as_of": "{as_of.isoformat()}",\n "patients": [', nl=False)
    separator = "\n"
    for result in results:
        click.echo(separator + json.dumps(result.as_json(), ensure_ascii=False), nl=False)
        separator = ",\n"
    click.echo("\n]}")


@main.command()
@click.argument("count", type=click.IntRange(min=1))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=1, show_default=True)
@as_of_option("Screening dates fall in the year before this date (default: today).")
def generate(count: int, out_dir: Path, seed: int, as_of: date) -> None:
    """Write COUNT synthetic FHIR bundles covering every outcome of every criterion."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_bundles(count, out_dir, seed, as_of)
    click.echo(f"wrote {written} synthetic patients to {out_dir}")


def store_from_env() -> tuple[Settings, TrialStore]:
    """The settings from the environment and the store they name (usage error if bad)."""
    try:
        settings = Settings.from_env()
        make_private(settings.data_dir)
        return settings, open_store(settings.store_dir, settings.snapshots_dir)
    except (SettingsError, StoreError) as error:
        raise click.UsageError(str(error)) from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@as_of_option("Screening date for records that give none (default: today).")
def load(paths: tuple[Path, ...], as_of: date) -> None:
    """Store FHIR or RDF records (files or folders), screened; exit 1 if a record was refused."""
    settings, store = store_from_env()
    stored, refused = load_paths(store, list(paths), as_of)
    store.close()
    for error in refused:
        click.echo(f"refused: {error}", err=True)
    click.echo(
        f"stored {stored} patient record(s) in {settings.data_dir}; refused {len(refused)}"
        + (" (each named on standard error)" if refused else "")
    )
    sys.exit(1 if refused else 0)


@main.command()
def serve() -> None:
    """Serve the HTTP API (TRIALGRAPH_HOST, TRIALGRAPH_PORT) with waitress until interrupted."""
    settings, store = store_from_env()
    try:
        app = create_app(settings, store)
    except (ValueError, KeyError, OSError) as error:
        raise click.UsageError(f"cannot start: {error}") from None
    created = app.extensions["trialgraph"].tokens.created
    if created:
        written = write_demo_tokens(settings, created)
        click.echo(f"new demo tokens, one per role, in {written} (readable only by you)")
    else:
        click.echo("tokens: `trialgraph token ROLE` makes another, `trialgraph revoke` removes")
    base = settings.base_url
    click.echo(
        f"TrialGraph serves {len(store.patient_ids())} patients: SPARQL on {base}/sparql, "
        f"the workspace on {base}/ui/ (sign in with a token)"
    )
    waitress.serve(app, host=settings.host, port=settings.port, threads=8, ident="trialgraph")


def _tokens() -> tuple[Settings, Tokens]:
    try:
        settings = Settings.from_env()
        make_private(settings.data_dir)
        return settings, Tokens.open(settings.tokens_path)
    except (SettingsError, ValueError) as error:
        raise click.UsageError(str(error)) from None


def write_demo_tokens(settings: Settings, created: dict[str, str]) -> Path:
    """Write new demo tokens to a file only the owner can read; return where."""
    path = settings.data_dir / DEMO_TOKENS
    write_private(path, "".join(f"{role} {token}\n" for role, token in created.items()))
    return path


@main.command()
@click.argument("role", type=click.Choice(ROLES))
@click.option("--name", default=None, help="Who the token is for (default: the role).")
def token(role: str, name: str | None) -> None:
    """Make a new API token for a role, written to a file only you can read (only its hash is
    kept); the file's name is printed, never the token."""
    settings, tokens = _tokens()
    if tokens.created:
        written = write_demo_tokens(settings, tokens.created)
        click.echo(f"new demo tokens, one per role, in {written}")
    name = name or role
    if not re.fullmatch(r"[\w.-]{1,64}", name):
        raise click.UsageError(f"a token name is letters, digits, '.', '-' or '_', not {name!r}")
    path = settings.data_dir / f"token-{name}.txt"
    write_private(path, tokens.add(name, role) + "\n")
    click.echo(f"new {role} token {name!r} in {path} (readable only by you)")


@main.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Remove the tokens of this name: requests and signed-in pages with them are refused at
    once."""
    _, tokens = _tokens()
    removed = tokens.remove(name)
    if not removed:
        raise click.UsageError(f"no token named {name!r}")
    click.echo(f"removed {removed} token(s) named {name!r}")
