"""The catalog (designations, paths, courses, fees, exams) loaded from rules/catalog.yaml.

`model` holds the frozen dataclasses, `files` the shape of the YAML file, `load` the building
and the cross-reference checks. Import from here: `from recommender.catalog import Catalog`.
"""

from .files import CATALOG_FILE, CatalogFileSchema, flatten_messages, read_yaml
from .load import load_catalog
from .model import (
    ApiPath,
    Catalog,
    Course,
    CpcuStructure,
    Designation,
    Discount,
    ExamRules,
    Fact,
    Fee,
    Hours,
    OtherCost,
    PlanningHorizon,
    RetakeRules,
    Sourced,
    compact_code,
)

__all__ = [
    "CATALOG_FILE",
    "ApiPath",
    "Catalog",
    "CatalogFileSchema",
    "Course",
    "CpcuStructure",
    "Designation",
    "Discount",
    "ExamRules",
    "Fact",
    "Fee",
    "Hours",
    "OtherCost",
    "PlanningHorizon",
    "RetakeRules",
    "Sourced",
    "compact_code",
    "flatten_messages",
    "load_catalog",
    "read_yaml",
]
