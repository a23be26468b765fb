"""`llsearch reindex [MONTH]`: rebuild months from the current template with no search downtime."""

from __future__ import annotations

import json

import click

from llsearch.commands.archive import LifecycleCommand, recorded
from llsearch.commands.common import connect
from llsearch.engine.reindex import ReindexResult, reindex_all, reindex_month


def _progress(month: str):
    """Prints how far a month's copy is, at most once per tenth, on stderr."""
    shown = {"tenth": -1}

    def report(created: int, total: int) -> None:
        tenth = created * 10 // total if total else 0
        if total and tenth != shown["tenth"]:
            shown["tenth"] = tenth
            click.echo(f"  {month}: {created}/{total} copied", err=True)

    return report


def _line(result: ReindexResult) -> str:
    if result.resumed:
        return f"{result.month}: finished an interrupted reindex; {result.target} holds {result.documents} lessons"
    return (f"{result.month}: {result.source} -> {result.target}, {result.documents} lessons "
            f"in {result.seconds:.1f}s")


@click.command(cls=LifecycleCommand)
@click.argument("month", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON")
def reindex(month: str | None, as_json: bool) -> None:
    """Copy MONTH (YYYY-MM), or every month, into a new index generation and swap its aliases.

    Searches keep working throughout; writes to a month are refused (409) while it is copied.
    """
    connection = connect()
    with recorded(connection, "reindex", target=month or "all") as learned:
        if month:
            results = [reindex_month(connection.client, connection.names, month,
                                     None if as_json else _progress(month))]
        else:
            results = reindex_all(connection.client, connection.names, None if as_json else _progress)
        learned["details"] = {"months": [result.as_dict() for result in results]}
    if as_json:
        click.echo(json.dumps([result.as_dict() for result in results]))
        return
    for result in results:
        click.echo(_line(result))
    if not results:
        click.echo("no months to reindex")
