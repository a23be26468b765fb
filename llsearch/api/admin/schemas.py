"""Request and response bodies of the admin endpoints."""

from marshmallow import Schema, fields


class DryRunSchema(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "Report what would be done; change nothing"})


class RestoreArgsSchema(Schema):
    safety_snapshot = fields.Boolean(
        load_default=True,
        metadata={"description": "Snapshot the current state first (`…-pre-restore`), so the restore can be undone"},
    )


class SnapshotSchema(Schema):
    name = fields.String(metadata={"example": "llsearch-20261201-031500-daily"})
    kind = fields.String(metadata={"description": "`daily`, `manual` or `pre-restore`"})
    state = fields.String(metadata={"description": "The engine's state: SUCCESS, IN_PROGRESS, PARTIAL, FAILED"})
    start_time = fields.String(metadata={"example": "2026-12-01T03:15:00Z"})
    end_time = fields.String(allow_none=True)
    duration_seconds = fields.Float(allow_none=True)
    indices = fields.List(fields.String(), metadata={"description": "The indices it holds"})
    failed_shards = fields.Integer()
    taken_by = fields.String(allow_none=True, metadata={"description": "Who took it: an API key's name, cli:<user>, daily job"})


class SnapshotListSchema(Schema):
    repository = fields.String(metadata={"example": "llsearch-backups"})
    items = fields.List(fields.Nested(SnapshotSchema), metadata={"description": "Oldest first"})


class RestoreResultSchema(Schema):
    snapshot = fields.String()
    indices = fields.List(fields.String(), metadata={"description": "Indices restored, with their aliases"})
    deleted = fields.List(fields.String(), metadata={"description": "Live indices the snapshot does not hold"})
    safety_snapshot = fields.String(allow_none=True, metadata={"description": "The state before the restore"})


class IndexComparisonSchema(Schema):
    index = fields.String(metadata={"description": "The index in the snapshot"})
    live_index = fields.String(allow_none=True, metadata={
        "description": "The live index it was compared with: the same, or a newer generation of the month"})
    ok = fields.Boolean()
    snapshot_docs = fields.Integer()
    live_docs = fields.Integer(allow_none=True, metadata={"description": "null when the index is not live"})
    missing_count = fields.Integer(metadata={"description": "Documents in the snapshot, not live"})
    extra_count = fields.Integer(metadata={"description": "Documents live, not in the snapshot"})
    changed_count = fields.Integer(metadata={"description": "Documents whose checksum differs"})
    missing = fields.List(fields.String(), metadata={"description": "The first ids of each kind"})
    extra = fields.List(fields.String())
    changed = fields.List(fields.String())


class VerifyResultSchema(Schema):
    snapshot = fields.String()
    ok = fields.Boolean(metadata={"description": "Every document of every index matches the live one"})
    documents = fields.Integer(metadata={"description": "Documents in the snapshot"})
    indices = fields.List(fields.Nested(IndexComparisonSchema))
    live_only_indices = fields.List(fields.String(), metadata={"description": "Live indices not in the snapshot"})


class PruneResultSchema(Schema):
    dry_run = fields.Boolean()
    deleted = fields.List(fields.Nested(SnapshotSchema), metadata={"description": "Deleted (or, dry, to delete)"})


class MonthPlanSchema(Schema):
    month = fields.String(metadata={"example": "2024-05"})
    index = fields.String(metadata={"example": "lessons-2024-05-v1"})
    steps = fields.List(fields.String(), metadata={
        "description": "Steps done (or, dry, to do): block, merge, move; restore_aliases, unblock"})


class ArchiveReportSchema(Schema):
    now = fields.String()
    after_months = fields.Integer()
    dry_run = fields.Boolean()
    archived = fields.List(fields.Nested(MonthPlanSchema))
    pinned = fields.List(fields.String(), metadata={"description": "Due months kept live after a restore"})
    already_archived = fields.List(fields.String())


class MonthStatusSchema(Schema):
    month = fields.String()
    index = fields.String()
    state = fields.String(metadata={"description": "live, live (pinned), archived, partly archived, …"})
    segments = fields.Integer()
    write_blocked = fields.Boolean()
    aliases = fields.List(fields.String())
    note = fields.String()


class ArchiveStatusSchema(Schema):
    after_months = fields.Integer()
    months = fields.List(fields.Nested(MonthStatusSchema))
