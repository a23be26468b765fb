"""`llsearch audit`: print the audit trail, newest first."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

import click

from llsearch.commands.common import connect
from llsearch.model.dates import parse_date, parse_datetime
from llsearch.security.audit import AuditQuery, AuditTrail


def _moment(text: str | None, end: bool = False):
    if not text:
        return None
    try:
        if len(text) == 10:
            start = datetime.combine(parse_date(text), time(), tzinfo=timezone.utc)
            return start + timedelta(days=1) if end else start
        return parse_datetime(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.option("--lesson-id")
@click.option("--actor")
@click.option("--action")
@click.option("--outcome", type=click.Choice(["pending", "success", "failure", "denied"]))
@click.option("--from", "from_", help="YYYY-MM-DD or an RFC 3339 date-time")
@click.option("--to", help="YYYY-MM-DD (the whole day) or an RFC 3339 date-time")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line")
def audit(lesson_id, actor, action, outcome, from_, to, limit, as_json) -> None:
    """Print audit records, newest first."""
    connection = connect()
    trail = AuditTrail(connection.client, connection.names, clock=None)
    query = AuditQuery(lesson_id=lesson_id, actor=actor, action=action, outcome=outcome,
                       created_from=_moment(from_), created_before=_moment(to, end=True), size=limit)
    records, _ = trail.search(query)
    for record in records:
        if as_json:
            click.echo(json.dumps(record, sort_keys=True))
        else:
            click.echo(f"{record['timestamp']}  {record.get('outcome', ''):8} {record.get('status', ''):>4}  "
                       f"{record['action']:12} {record.get('lesson_id', '-'):20} {record.get('actor', '-')}"
                       f"  {record.get('request_id', '')}")
    if not records:
        click.echo("no audit records match")
