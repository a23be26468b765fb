"""`llsearch backup create|list|restore|verify|prune`: snapshots of this prefix's indices."""

from __future__ import annotations

import json

import click

from llsearch.commands.archive import LifecycleGroup, now, recorded
from llsearch.commands.common import connect, operator
from llsearch.engine.snapshots import (
    Snapshot,
    create_snapshot,
    list_snapshots,
    prune_snapshots,
    resolve_snapshot,
    restore_snapshot,
    verify_snapshot,
)
from llsearch.security.audit import AuditTrail


def _row(item: Snapshot) -> str:
    info = item.as_dict()
    took = f"{info['duration_seconds']:.1f}s" if info["duration_seconds"] is not None else "-"
    return f"{item.name}  {item.state:<11} {info['start_time']}  {took:>7}  {len(item.indices)} indices"


@click.group(cls=LifecycleGroup)
def backup() -> None:
    """Snapshot backups in the repository LLSEARCH_SNAPSHOT_REPOSITORY."""


@backup.command()
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot as JSON")
def create(as_json: bool) -> None:
    """Snapshot every index of this prefix (lessons, counters, API keys, audit) and wait for it."""
    connection = connect()
    if not as_json:
        click.echo(f"snapshotting into repository {connection.settings.snapshot_repository} ...", err=True)
    snapshot = create_snapshot(connection.client, connection.settings, now(), taken_by=operator().name)
    click.echo(json.dumps(snapshot.as_dict()) if as_json else f"created {_row(snapshot)}")


@backup.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the snapshots as JSON")
def list_command(as_json: bool) -> None:
    """List this prefix's snapshots, oldest first."""
    connection = connect()
    snapshots = list_snapshots(connection.client, connection.settings)
    if as_json:
        click.echo(json.dumps([item.as_dict() for item in snapshots]))
        return
    if not snapshots:
        click.echo("no snapshots")
    for item in snapshots:
        click.echo(_row(item))


@backup.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@click.option("--no-safety-snapshot", is_flag=True, help="Do not snapshot the current state first")
def restore(name: str, yes: bool, no_safety_snapshot: bool) -> None:
    """Replace every index of this prefix with snapshot NAME (or `latest`), aliases included."""
    connection = connect()
    name = resolve_snapshot(connection.client, connection.settings, name)
    if not yes:
        click.confirm(f"replace every index of prefix {connection.names.prefix!r} with snapshot {name}?", abort=True)
    with recorded(connection, "backup_restore", target=name) as learned:
        result = restore_snapshot(connection.client, connection.settings, name, now(),
                                  safety_snapshot=not no_safety_snapshot)
        learned["details"] = result
    # The restore replaced the audit trail with the snapshot's, record included: record it again.
    AuditTrail(connection.client, connection.names, now).record(
        "backup_restore", operator(), outcome="success", status=0, target=name, details=result,
        message="recorded after the restore, which replaced the audit trail with the snapshot's")
    if result["safety_snapshot"]:
        click.echo(f"the state before the restore is in snapshot {result['safety_snapshot']}")
    click.echo(f"restored {len(result['indices'])} indices from {name}")


@backup.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
def verify(name: str, as_json: bool) -> None:
    """Restore NAME (or `latest`) into temporary indices and compare every document with the live ones.

    Exit code 1 when anything differs.
    """
    connection = connect()
    name = resolve_snapshot(connection.client, connection.settings, name)
    report = verify_snapshot(connection.client, connection.settings, name)
    if as_json:
        click.echo(json.dumps(report))
    else:
        for index in report["indices"]:
            live = "absent" if index["live_docs"] is None else index["live_docs"]
            line = f"{index['index']}: snapshot {index['snapshot_docs']}, live {live}"
            if index["live_index"] and index["live_index"] != index["index"]:
                line += f" (in {index['live_index']})"
            if not index["ok"]:
                line += (f"; missing {index['missing_count']}, extra {index['extra_count']},"
                         f" changed {index['changed_count']}")
                for key in ("missing", "extra", "changed"):
                    if index[key]:
                        line += f"\n    {key}: {', '.join(index[key])}"
            click.echo(line)
        for index in report["live_only_indices"]:
            click.echo(f"{index}: live only, not in the snapshot")
        verdict = "matches the live indices" if report["ok"] else "differs from the live indices"
        click.echo(f"snapshot {name} ({report['documents']} documents) {verdict}")
    if not report["ok"]:
        raise SystemExit(1)


@backup.command()
@click.option("--dry-run", is_flag=True, help="Print what would be deleted; delete nothing")
def prune(dry_run: bool) -> None:
    """Delete snapshots older than LLSEARCH_SNAPSHOT_RETENTION_DAYS, keeping LLSEARCH_SNAPSHOT_MIN_KEEP."""
    connection = connect()
    with recorded(connection, "backup_prune", dry_run) as learned:
        doomed = prune_snapshots(connection.client, connection.settings, now(), dry_run=dry_run)
        learned["details"] = {"deleted": [item.name for item in doomed]}
    verb = "would delete" if dry_run else "deleted"
    for item in doomed:
        click.echo(f"{verb} {_row(item)}")
    if not doomed:
        click.echo("nothing to prune")
