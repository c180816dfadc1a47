"""The category and status codes of docs/taxonomy.md, loaded from rules/categories.yaml."""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

STATUSES = ("unfinished", "in_progress", "planned", "ongoing", "completed", "none")


@cache
def category_table() -> dict:
    text = resources.files("notice_nlp").joinpath("rules/categories.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def categories() -> list[str]:
    return list(category_table())


def subcategories() -> list[str]:
    """Full labels "category.subcategory" in table order."""
    return [f"{cat}.{sub}" for cat, entry in category_table().items() for sub in entry["subcategories"]]


def is_valid(category: str, subcategory: str | None = None) -> bool:
    entry = category_table().get(category)
    return entry is not None and (subcategory is None or subcategory in entry["subcategories"])
