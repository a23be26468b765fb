"""`llsearch archive run|restore|month|status`: archived months are read-only and searched on request."""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import datetime, timezone

import click
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from llsearch.commands.common import EngineConnection, audited_command, connect
from llsearch.engine.lifecycle import (
    MonthPlan,
    UnknownMonth,
    archive_month,
    archive_status,
    restore_month,
    run_archive,
)
from llsearch.engine.names import IndexNames
from llsearch.engine.reindex import ReindexError
from llsearch.engine.snapshots import SnapshotError, SnapshotNotFound


def one_line_errors(invoke):
    """Expected failures of lifecycle commands become one-line messages with exit code 1."""

    def guarded(self, ctx: click.Context):
        try:
            return invoke(self, ctx)
        except UnknownMonth as exc:
            raise click.ClickException(f"no month index for {exc}") from None
        except SnapshotNotFound as exc:
            raise click.ClickException(f"no snapshot of this prefix is named {exc}; see `llsearch backup list`") from None
        except (SnapshotError, ReindexError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        except (EngineConnectionError, ConnectionTimeout) as exc:
            raise click.ClickException(f"the engine stopped answering: {exc}") from None
        except TransportError as exc:
            raise click.ClickException(f"the engine refused: {exc.error}: {exc.info}") from None

    return guarded


class LifecycleGroup(click.Group):
    invoke = one_line_errors(click.Group.invoke)


class LifecycleCommand(click.Command):
    invoke = one_line_errors(click.Command.invoke)


def now() -> datetime:
    return datetime.now(timezone.utc)


def recorded(connection: EngineConnection, action: str, dry_run: bool = False, **fields):
    """The audit record of a command that changes something (a dry run changes nothing)."""
    return nullcontext({}) if dry_run else audited_command(connection, action, **fields)


def describe_steps(names: IndexNames, steps: list[str]) -> str:
    return ", ".join(MonthPlan("", "", steps).describe(names))


@click.group(cls=LifecycleGroup)
def archive() -> None:
    """Archive old months (read-only, force-merged, searched with include_archived) and bring them back."""


@archive.command()
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
def run(dry_run: bool, as_json: bool) -> None:
    """Archive every month older than LLSEARCH_ARCHIVE_AFTER_MONTHS; safe to rerun after an interruption."""
    connection = connect()
    with recorded(connection, "archive_run", dry_run) as learned:
        report = run_archive(connection.client, connection.settings, now(), dry_run=dry_run)
        learned["details"] = report.as_dict()
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    names = connection.names
    verb = "would archive" if dry_run else "archived"
    click.echo(f"months whose last day is more than {report.after_months} months old are archived")
    for plan in report.archived:
        click.echo(f"{verb} {plan.month} ({plan.index}): {describe_steps(names, plan.steps)}")
    if report.already:
        click.echo(f"already archived: {', '.join(report.already)}")
    if report.pinned:
        click.echo(f"kept live (restored; `llsearch archive month MONTH` archives one again): {', '.join(report.pinned)}")
    if not report.archived:
        click.echo("nothing to archive")


@archive.command()
@click.argument("month")
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing")
def restore(month: str, dry_run: bool) -> None:
    """Bring MONTH (YYYY-MM) back: writable, in the live read alias, kept live by later runs."""
    connection = connect()
    with recorded(connection, "archive_restore", dry_run, target=month) as learned:
        plan = restore_month(connection.client, connection.names, month, dry_run=dry_run)
        learned["details"] = {"index": plan.index, "steps": plan.steps}
    if not plan.steps:
        click.echo(f"{month} is live already ({plan.index})")
        return
    verb = "would restore" if dry_run else "restored"
    click.echo(f"{verb} {month} ({plan.index}): {describe_steps(connection.names, plan.steps)}")


@archive.command(name="month")
@click.argument("month")
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing")
def archive_one(month: str, dry_run: bool) -> None:
    """Archive MONTH (YYYY-MM) now, whatever its age (for example after a restore)."""
    connection = connect()
    with recorded(connection, "archive_month", dry_run, target=month) as learned:
        plan = archive_month(connection.client, connection.names, month, dry_run=dry_run)
        learned["details"] = {"index": plan.index, "steps": plan.steps}
    if not plan.steps:
        click.echo(f"{month} is archived already ({plan.index})")
        return
    verb = "would archive" if dry_run else "archived"
    click.echo(f"{verb} {month} ({plan.index}): {describe_steps(connection.names, plan.steps)}")


@archive.command()
@click.option("--json", "as_json", is_flag=True, help="Print the months as JSON")
def status(as_json: bool) -> None:
    """List every month index: live, archived, pinned or partly archived."""
    connection = connect()
    months = archive_status(connection.client, connection.settings, now())
    if as_json:
        click.echo(json.dumps(months))
        return
    if not months:
        click.echo("no month indices")
    for item in months:
        note = f"  ({item['note']})" if item["note"] else ""
        click.echo(f"{item['month']}  {item['state']:<20} {item['index']}  segments={item['segments']}{note}")
