"""Admin endpoints (admin role only): snapshot backups and the archive of old months."""

from __future__ import annotations

from contextlib import contextmanager

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from llsearch.api.admin.schemas import (
    ArchiveReportSchema,
    ArchiveStatusSchema,
    DryRunSchema,
    MonthPlanSchema,
    PruneResultSchema,
    RestoreArgsSchema,
    RestoreResultSchema,
    SnapshotListSchema,
    SnapshotSchema,
    VerifyResultSchema,
)
from llsearch.api.auditing import audit_trail, audited, request_actor
from llsearch.api.auth import requires
from llsearch.engine.lifecycle import UnknownMonth, archive_status, restore_month, run_archive
from llsearch.engine.snapshots import (
    SnapshotError,
    SnapshotNotFound,
    create_snapshot,
    list_snapshots,
    prune_snapshots,
    resolve_snapshot,
    restore_snapshot,
    verify_snapshot,
)
from llsearch.runtime import current_runtime
from llsearch.security.roles import Action

blp = Blueprint("admin", __name__, url_prefix="/api/admin",
                description="Administration (admin role): snapshot backups and the archive of old months")


@contextmanager
def recorded(action: str, dry_run: bool = False, **fields):
    """The audit record of a change (a dry run changes nothing), around the engine's errors as HTTP ones."""
    if dry_run:
        with lifecycle_errors():
            yield {}
        return
    with audited(action, **fields) as learned, lifecycle_errors():
        yield learned


@contextmanager
def lifecycle_errors():
    """The engine modules' expected failures as HTTP errors."""
    try:
        yield
    except SnapshotNotFound as error:
        abort(404, message=f"no snapshot of this service is named {error}")
    except UnknownMonth as error:
        abort(404, message=f"no month index holds {error}")
    except SnapshotError as error:
        abort(409, message=str(error))
    except ValueError as error:
        abort(404, message=str(error))


@blp.route("/backups")
class Backups(MethodView):
    @requires(blp, Action.BACKUP)
    @blp.response(200, SnapshotListSchema)
    def get(self):
        """List this service's snapshots, oldest first."""
        runtime = current_runtime()
        with lifecycle_errors():
            items = list_snapshots(runtime.engine, runtime.settings)
        return {"repository": runtime.settings.snapshot_repository, "items": [item.as_dict() for item in items]}

    @requires(blp, Action.BACKUP)
    @blp.response(201, SnapshotSchema, description="The finished snapshot")
    @blp.alt_response(409, description="The repository is not configured, or another snapshot is running")
    def post(self):
        """Snapshot every index of this service (lessons, counters, API keys, audit) now."""
        runtime = current_runtime()
        with lifecycle_errors():
            snapshot = create_snapshot(runtime.engine, runtime.settings, runtime.now(),
                                       taken_by=request_actor().name)
        return snapshot.as_dict()


@blp.route("/backups/prune")
class BackupPruning(MethodView):
    @requires(blp, Action.BACKUP)
    @blp.arguments(DryRunSchema, required=False, example={"dry_run": True})
    @blp.response(200, PruneResultSchema)
    def post(self, args: dict):
        """Delete snapshots past the retention period, always keeping the newest few."""
        runtime = current_runtime()
        dry_run = (args or {}).get("dry_run", False)
        with recorded("backup_prune", dry_run) as learned:
            doomed = prune_snapshots(runtime.engine, runtime.settings, runtime.now(), dry_run=dry_run)
            learned["details"] = {"deleted": [item.name for item in doomed]}
        return {"dry_run": dry_run, "deleted": [item.as_dict() for item in doomed]}


@blp.route("/backups/<string:name>/restore")
class BackupRestore(MethodView):
    @requires(blp, Action.BACKUP)
    @blp.arguments(RestoreArgsSchema, required=False, example={"safety_snapshot": True})
    @blp.response(200, RestoreResultSchema)
    @blp.alt_response(404, description="No such snapshot")
    @blp.alt_response(409, description="The snapshot did not succeed, or the restore failed")
    def post(self, args: dict, name: str):
        """Replace every index of this service with snapshot `name` (or `latest`), aliases included."""
        runtime = current_runtime()
        with lifecycle_errors():
            name = resolve_snapshot(runtime.engine, runtime.settings, name)
        with recorded("backup_restore", target=name) as learned:
            result = restore_snapshot(runtime.engine, runtime.settings, name, runtime.now(),
                                      safety_snapshot=(args or {}).get("safety_snapshot", True))
            learned["details"] = result
        # The restore replaced the audit trail with the snapshot's, record included: record it again.
        audit_trail().record("backup_restore", request_actor(), outcome="success", status=200, target=name,
                             details=result, message="recorded after the restore, which replaced the audit trail")
        return result


@blp.route("/backups/<string:name>/verify")
class BackupVerification(MethodView):
    @requires(blp, Action.BACKUP)
    @blp.response(200, VerifyResultSchema, description="The comparison; `ok` is false when anything differs")
    @blp.alt_response(404, description="No such snapshot")
    def post(self, name: str):
        """Restore snapshot `name` (or `latest`) into temporary indices and compare every document with the live one."""
        runtime = current_runtime()
        with lifecycle_errors():
            name = resolve_snapshot(runtime.engine, runtime.settings, name)
            return verify_snapshot(runtime.engine, runtime.settings, name)


@blp.route("/archive")
class Archive(MethodView):
    @requires(blp, Action.ARCHIVE)
    @blp.response(200, ArchiveStatusSchema)
    def get(self):
        """Every month index: live, archived, pinned live after a restore, or partly archived."""
        runtime = current_runtime()
        return {"after_months": runtime.settings.archive_after_months,
                "months": archive_status(runtime.engine, runtime.settings, runtime.now())}


@blp.route("/archive/run")
class ArchiveRun(MethodView):
    @requires(blp, Action.ARCHIVE)
    @blp.arguments(DryRunSchema, required=False, example={"dry_run": True})
    @blp.response(200, ArchiveReportSchema)
    def post(self, args: dict):
        """Archive every month older than the archive age (what the daily job does); idempotent."""
        runtime = current_runtime()
        dry_run = (args or {}).get("dry_run", False)
        with recorded("archive_run", dry_run) as learned:
            report = run_archive(runtime.engine, runtime.settings, runtime.now(), dry_run=dry_run)
            learned["details"] = report.as_dict()
        return report.as_dict()


@blp.route("/archive/<string:month>/restore")
class ArchiveRestore(MethodView):
    @requires(blp, Action.ARCHIVE)
    @blp.arguments(DryRunSchema, required=False)
    @blp.response(200, MonthPlanSchema)
    @blp.alt_response(404, description="No month index holds that month")
    def post(self, args: dict, month: str):
        """Bring an archived month (YYYY-MM) back: writable, searched by default, kept live by later runs."""
        runtime = current_runtime()
        with recorded("archive_restore", (args or {}).get("dry_run", False), target=month) as learned:
            plan = restore_month(runtime.engine, runtime.names, month, dry_run=(args or {}).get("dry_run", False))
            learned["details"] = {"index": plan.index, "steps": plan.steps}
        return {"month": plan.month, "index": plan.index, "steps": plan.steps}
