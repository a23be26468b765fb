"""Stats endpoints of CONTRACT §3.2 and dashboard extras; every number comes from the engine."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from llsearch.api.auth import requires
from llsearch.api.search.args import LessonFilterArgsSchema, selection_from_args
from llsearch.api.stats.schemas import (
    ACTION_ITEMS_EXAMPLE,
    BY_CATEGORY_EXAMPLE,
    MTTR_EXAMPLE,
    OVERDUE_EXAMPLE,
    TOP_COMPONENTS_EXAMPLE,
    TREND_EXAMPLE,
    TREND_OPENAPI,
    ActionItemStatsSchema,
    CategoryCountsSchema,
    ComponentCountSchema,
    MttrArgsSchema,
    MttrSchema,
    OverdueActionsSchema,
    OverdueArgsSchema,
    TopComponentsArgsSchema,
    TrendArgsSchema,
)
from llsearch.engine import stats, stats_actions, stats_mttr, stats_trend
from llsearch.engine.filters import LessonFilter
from llsearch.runtime import current_runtime
from llsearch.security.roles import Action

blp = Blueprint(
    "stats", __name__, url_prefix="/api/lessons-learned/stats",
    description="Aggregations for dashboards; each accepts the filters of search",
)


def lesson_filter(args: dict) -> LessonFilter:
    """The engine filter of validated filter arguments; a `to` at the calendar's end is a 422."""
    try:
        return selection_from_args(args)
    except OverflowError:
        abort(422, messages={"query": {"to": ["Date out of range."]}})


@blp.route("/by_category")
class ByCategory(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(LessonFilterArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, CategoryCountsSchema, example=BY_CATEGORY_EXAMPLE)
    def get(self, **args):
        """Lessons per category (every category present, 0 when none)."""
        runtime = current_runtime()
        return stats.by_category(runtime.engine, runtime.names, lesson_filter(args))


@blp.route("/severity_trend")
class SeverityTrend(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(TrendArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, TREND_OPENAPI, example=TREND_EXAMPLE)
    def get(self, period: str, **args):
        """Lessons per period and severity, in time order; empty periods inside the range included.

        The range is `from`..`to`; a missing bound is the first or last creation among the
        selected lessons (no lessons and a missing bound: `{}`)."""
        runtime = current_runtime()
        try:
            trend = stats_trend.severity_trend(runtime.engine, runtime.names, lesson_filter(args), period)
        except stats_trend.TrendTooLong as error:
            abort(422, messages={"query": {"period": [str(error)]}})
        return jsonify(trend)  # a map in time order: no schema re-orders it


@blp.route("/top_components")
class TopComponents(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(TopComponentsArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, ComponentCountSchema(many=True), example=TOP_COMPONENTS_EXAMPLE)
    def get(self, limit: int, **args):
        """The components with most lessons, by count (ties by name)."""
        runtime = current_runtime()
        return stats.top_components(runtime.engine, runtime.names, lesson_filter(args), limit)


@blp.route("/overdue_actions")
class OverdueActions(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(OverdueArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, OverdueActionsSchema, example=OVERDUE_EXAMPLE)
    def get(self, limit: int, **args):
        """Action items due before today (UTC) and not COMPLETED: all counted, the oldest listed.

        With `action_status`, only items in those statuses count."""
        runtime = current_runtime()
        today = runtime.now().date()
        return stats_actions.overdue_actions(runtime.engine, runtime.names, lesson_filter(args), today, limit)


@blp.route("/action_items")
class ActionItems(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(LessonFilterArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, ActionItemStatsSchema, example=ACTION_ITEMS_EXAMPLE)
    def get(self, **args):
        """Action items by status, and those not COMPLETED by due date relative to today (UTC).

        Age buckets (D = days from the due date to today): `overdue_over_30_days` D > 30,
        `overdue_8_to_30_days` 8..30, `overdue_1_to_7_days` 1..7, `due_within_7_days` due today
        up to 7 days ahead, `due_later` beyond, `no_due_date`. With `action_status`, only items in
        those statuses count."""
        runtime = current_runtime()
        today = runtime.now().date()
        return stats_actions.action_item_stats(runtime.engine, runtime.names, lesson_filter(args), today)


@blp.route("/mttr")
class Mttr(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(MttrArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, MttrSchema, example=MTTR_EXAMPLE)
    def get(self, group_by: str, limit: int, **args):
        """Time to detect and to resolve (seconds): count, mean, min, max, p50, p90, p95, overall
        and per severity or component. Percentiles are TDigest estimates."""
        runtime = current_runtime()
        return stats_mttr.mttr(runtime.engine, runtime.names, lesson_filter(args), group_by, limit)
