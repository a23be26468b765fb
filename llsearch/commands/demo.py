"""`llsearch demo-data`: realistic lessons, deterministic for a seed, bulk-loaded."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from llsearch.commands.common import connect
from llsearch.engine.bulk import BulkWriter


@click.command("demo-data")
@click.option("--count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same lessons")
@click.option("--if-empty", is_flag=True, help="Do nothing when lessons are already stored")
def demo_data(count: int, seed: int, if_empty: bool) -> None:
    """Generate COUNT lessons over the last 36 months and load them."""
    from llsearch.model.demo import demo_months, iter_lessons

    connection = connect()
    if if_empty:
        stored = connection.client.count(index=connection.names.lessons)["count"]
        if stored:
            click.echo(f"{stored} lessons already stored; no demo data loaded")
            return
    now = datetime.now(timezone.utc)
    writer = BulkWriter(connection.client, connection.names, codec=connection.codec)
    with click.progressbar(length=count, label="loading demo lessons") as bar:
        # Streamed: generated while earlier chunks are indexed, and memory stays flat at any count.
        report = writer.write(iter_lessons(count, seed, now), progress=bar.update, months=demo_months(now),
                              keep_outcomes=False)
    counts = ", ".join(f"{n} {result}" for result, n in sorted(report.counts.items()))
    click.echo(f"demo data: {counts}")
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} lessons failed, first: {report.failed[0].reason}")
