"""Low-high bands, as every answer shows an estimate: the least and the most to expect.

A schema that names a band in the OpenAPI document (Hours, CostBand, ...) subclasses
BandSchema and adds what it carries; a band of whole numbers (months, hours) declares its
`low` and `high` as integers.
"""

from __future__ import annotations

from marshmallow import Schema, fields


class BandSchema(Schema):
    """A band of amounts (hours of study, fees)."""

    low = fields.Float(required=True)
    high = fields.Float(required=True)
