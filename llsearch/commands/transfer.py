"""`llsearch import PATH` and `llsearch export PATH`: the JSON-files layout, JSON, NDJSON and Markdown."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

import click
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout

from llsearch.commands.common import EngineConnection, audited_command, connect
from llsearch.config import load_settings
from llsearch.engine.names import IndexNames
from llsearch.engine.scan import count_lessons, scan_lessons
from llsearch.transfer.export import ExportTargetNotEmpty, export_lessons
from llsearch.transfer.importer import ImportReport, Importer
from llsearch.transfer.sources import SourceError, plan_import


def _now() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def _engine_errors():
    """An engine that is down or stops answering is a one-line error, not a traceback."""
    try:
        yield
    except (EngineConnectionError, ConnectionTimeout) as exc:
        raise click.ClickException(f"the engine is not reachable: {exc}") from None


def _connect() -> EngineConnection:
    with _engine_errors():
        return connect()


@click.command("import", short_help="Import lessons from JSON, NDJSON or Markdown files.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report only; nothing is written")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (progress goes to stderr)")
@click.pass_context
def import_command(ctx: click.Context, path: Path, dry_run: bool, as_json: bool) -> None:
    """Import lessons from PATH: a lessons-learned layout (with index.json) or its parent, JSON files
    (one lesson or an array), NDJSON (.ndjson, .jsonl), Markdown in the template (.md), or a
    directory of any mix. Ids and timestamps are kept (a lesson without id is matched to the stored
    one with the same title and creation time, else numbered on its creation day); importing the
    same files again changes nothing. Exits with 1 when any file or record was rejected, after
    importing the valid ones."""
    try:
        plan = plan_import(path)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        importer = Importer(None, IndexNames(load_settings().index_prefix), _now, codec=None, dry_run=True)
    else:
        connection = _connect()
        importer = Importer(connection.client, connection.names, _now, codec=connection.codec)
    label = "validating lessons" if dry_run else "importing lessons"
    recorded = nullcontext({}) if dry_run else audited_command(connection, "import", target=str(path))
    with _engine_errors(), recorded as learned, click.progressbar(
        length=max(plan.total_bytes, 1), label=label, file=sys.stderr if as_json else None
    ) as bar:
        report = importer.run(plan.items(progress=bar.update))
        bar.update(max(0, bar.length - bar.pos))
        learned["details"] = report.counts
    click.echo(json.dumps(_report_json(report), indent=2, ensure_ascii=False) if as_json else _report_text(report))
    if report.rejections:
        ctx.exit(1)


def _report_text(report: ImportReport) -> str:
    counts = report.counts
    if report.dry_run:
        lines = [f"dry run: {counts['valid']} valid, {counts['rejected']} rejected (nothing written)"]
    else:
        lines = ["imported: " + ", ".join(f"{counts[name]} {name}" for name in
                                          ("created", "updated", "unchanged", "rejected"))]
    lines += [f"{result.origin}: {result.reason}" for result in report.rejections]
    lines += [f"{notice.origin}: note: {notice.message}" for notice in report.notices]
    return "\n".join(lines)


def _report_json(report: ImportReport) -> dict:
    rejected = []
    for result in report.rejections:
        entry = {"origin": str(result.origin), "id": result.id, "reason": result.reason}
        if result.errors:
            entry["errors"] = result.errors
        rejected.append(entry)
    return {
        "dry_run": report.dry_run,
        "counts": report.counts,
        "rejected": rejected,
        "notices": [{"origin": str(notice.origin), "message": notice.message} for notice in report.notices],
    }


@click.command("export", short_help="Export every lesson as the JSON-files layout.")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--markdown", is_flag=True, help="Also write LL-….md beside each JSON file (the template)")
@click.option("--include-archived", is_flag=True, help="Also export lessons of archived months")
@click.option("--overwrite", is_flag=True,
              help="Write into an existing PATH/lessons-learned, removing lesson files of an earlier export")
def export_command(path: Path, markdown: bool, include_archived: bool, overwrite: bool) -> None:
    """Export every stored lesson to PATH/lessons-learned/YYYY-MM/LL-….json with an index.json
    metaindex (the layout `llsearch import` reads back)."""
    connection = _connect()
    client, names = connection.client, connection.names
    with _engine_errors():
        total = count_lessons(client, names, include_archived)
        try:
            with click.progressbar(length=max(total, 1), label="exporting lessons") as bar:
                report = export_lessons(scan_lessons(client, names, connection.codec, include_archived), path, _now(),
                                        markdown=markdown, overwrite=overwrite, progress=bar.update)
        except ExportTargetNotEmpty as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"exported: {report.count} lessons to {report.directory} ({report.files} files)")
    if report.removed:
        click.echo(f"removed {len(report.removed)} lesson files of an earlier export that are no longer stored")
