"""Response bodies of the probes."""

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})
    version = fields.String(metadata={"example": "0.1.0"})


class CheckSchema(Schema):
    ok = fields.Boolean(metadata={"description": "Whether this part is ready"})
    detail = fields.String(metadata={"example": "cluster health green"})


class ReadinessSchema(Schema):
    status = fields.String(metadata={"description": "`ready` or `not_ready`", "example": "ready"})
    checks = fields.Dict(
        keys=fields.String(), values=fields.Nested(CheckSchema),
        metadata={"description": "One entry per part: engine, template, and redis when configured"},
    )
