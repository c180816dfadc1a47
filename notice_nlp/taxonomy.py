"""The category and status codes of docs/taxonomy.md, loaded from rules/categories.yaml."""
from __future__ import annotations

from . import rules

STATUSES = ("unfinished", "in_progress", "planned", "ongoing", "completed", "none")


# Loaded (and checked) on import: a broken table fails here, naming its key.
_TABLE = rules.load("categories")


def category_table() -> dict:
    return _TABLE


def categories() -> list[str]:
    return list(category_table())


def subcategories() -> list[str]:
    """Full labels "category.subcategory" in table order."""
    return [f"{cat}.{sub}" for cat, entry in category_table().items() for sub in entry["subcategories"]]


def is_valid(category: str, subcategory: str | None = None) -> bool:
    entry = category_table().get(category)
    return entry is not None and (subcategory is None or subcategory in entry["subcategories"])
