"""The catalog (designations, paths, courses, fees, exams) loaded from rules/catalog.yaml.

`model` holds the frozen dataclasses, `files` the shape of the YAML file, `load` the building
and the cross-reference checks. Import from here: `from recommender.catalog import Catalog`.
"""

from . import model
from .files import CATALOG_FILE, CatalogFileSchema, flatten_messages, read_yaml
from .load import load_catalog
from .model import *  # noqa: F403 (the dataclasses model.__all__ names)

__all__ = [
    *model.__all__,
    "CATALOG_FILE",
    "CatalogFileSchema",
    "flatten_messages",
    "load_catalog",
    "read_yaml",
]
