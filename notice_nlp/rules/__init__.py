"""The rule tables (``notice_nlp/rules/*.yaml``) and their one loader.

Every module that reads a table loads it with :func:`load` when it is imported, so a
table that does not fit its schema (``notice_nlp.rules.schemas``) fails at once, with a
RulesError that names the file, the key and what was expected::

    rules/layout.yaml: preamble_patterns[2]: not a valid regex (missing ), unterminated subpattern at position 0)

Patterns may use the named pieces of rules/layout.yaml's ``fragments`` as $NAME
(rules/dates.yaml's shapes use its own); :func:`layout_regex` expands and compiles them.
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Mapping

import yaml

from ..errors import RulesError
from .schemas import SCHEMAS
from .spec import Context, Mismatch, expand

__all__ = ["TABLES", "RulesError", "load", "check", "expand", "layout_regex"]

TABLES = tuple(SCHEMAS)  # every shipped table, by name: rules/<name>.yaml
# libyaml's safe loader where PyYAML has it (it reads the same tables several times faster,
# which pays for checking them at import), else the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _source(name: str):
    """Where table ``name`` is read from (tests point this at a broken copy)."""
    return resources.files(__name__).joinpath(f"{name}.yaml")


@cache
def load(name: str) -> dict:
    """Table ``name`` (rules/<name>.yaml), read once and checked against its schema."""
    if name not in SCHEMAS:
        raise RulesError(f"rules/{name}.yaml: no such rule table (tables: {', '.join(TABLES)})")
    where = f"rules/{name}.yaml"
    try:
        text = _source(name).read_text("utf-8")
    except OSError as exc:
        raise RulesError(f"{where}: cannot be read ({exc.strerror or exc}); reinstall notice_nlp") from exc
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulesError(f"{where}: not valid YAML{at} ({problem})") from None
    check(name, data)
    return data


def check(name: str, data) -> None:
    """Raise RulesError unless ``data`` fits the schema of table ``name``."""
    def fragments(table: str) -> Mapping[str, str]:
        # a table's own fragments are checked before its patterns (schema order)
        return (data if table == name else load(table)).get("fragments") or {}

    try:
        SCHEMAS[name].check(data, "", Context(fragments))
    except Mismatch as exc:
        raise RulesError(f"rules/{name}.yaml: {exc}") from None


@cache
def layout_regex(pattern: str) -> re.Pattern:
    """``pattern`` (from any table) with rules/layout.yaml's fragments put in, compiled."""
    return re.compile(expand(pattern, load("layout")["fragments"]))
