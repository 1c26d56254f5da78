"""The `trialgraph` command."""

import sys

import click

from trialgraph.check import run_checks


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
