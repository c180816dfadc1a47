"""What a rule table must hold, as small composable specs.

A spec checks one value and, when it does not fit, says where and what was expected:
``Mismatch("measure_markers", "expected a list, each a word, got text '整改情况'")``. The loader in
``notice_nlp.rules`` turns a mismatch into a RulesError that also names the file.
Specs know only YAML's types (mapping, list, str, int, bool, null) and regexes.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

# $NAME in a pattern stands for the fragment NAME (rules/layout.yaml's `fragments`, or
# rules/dates.yaml's for its shapes): one syntax, one expansion, for every table.
PLACEHOLDER = re.compile(r"\$([A-Z_]+)")


def expand(pattern: str, fragments: Mapping[str, str]) -> str:
    """``pattern`` with every $NAME replaced by ``fragments[NAME]``."""
    return PLACEHOLDER.sub(lambda m: fragments[m.group(1)], pattern)


class Mismatch(Exception):
    """A value that does not fit its spec: ``path`` (e.g. "chrome_labels[3].meta") and why."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path or '(top level)'}: {message}")
        self.path, self.message = path, message


@dataclass
class Context:
    """What a check may need beyond the value: the fragments a regex may use, by table name."""
    fragments: Callable[[str], Mapping[str, str]]


def _kind(value: Any) -> str:
    """A YAML reader's name for the type of ``value``."""
    if value is None:
        return "nothing (null)"
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "a mapping"}
    shown = repr(value) if isinstance(value, (str, int, float)) and len(repr(value)) <= 40 else ""
    return names.get(type(value), type(value).__name__) + (f" {shown}" if shown else "")


def _at(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class Spec:
    expected: str = "a value"
    types: tuple[type, ...] = (object,)

    def fits(self, value: Any) -> bool:
        """Is ``value`` of the type this spec reads? (YAML's true/false are no numbers.)"""
        if isinstance(value, bool):
            return bool in self.types
        return isinstance(value, self.types)

    def check(self, value: Any, path: str, ctx: Context) -> None:
        if not self.fits(value):
            raise Mismatch(path, f"expected {self.expected}, got {_kind(value)}")
        self._check(value, path, ctx)

    def _check(self, value: Any, path: str, ctx: Context) -> None:
        pass


@dataclass
class Text(Spec):
    """A non-empty string; ``what`` says what it is (a word, a label …); ``length``: exactly so long."""
    what: str = "a word"
    length: int | None = None

    types = (str,)

    @property
    def expected(self) -> str:
        return self.what + (f" ({self.length} characters)" if self.length else "")

    def _check(self, value: str, path: str, ctx: Context) -> None:
        if not value or (self.length and len(value) != self.length):
            raise Mismatch(path, f"expected {self.expected}, got {_kind(value) if value else 'empty text'}")


@dataclass
class Number(Spec):
    """An integer (YAML's true/false are not numbers here)."""
    minimum: int | None = None

    types = (int,)

    @property
    def expected(self) -> str:
        return "a whole number" + (f" ≥ {self.minimum}" if self.minimum is not None else "")

    def _check(self, value: int, path: str, ctx: Context) -> None:
        if self.minimum is not None and value < self.minimum:
            raise Mismatch(path, f"expected {self.expected}, got {value}")


@dataclass
class Flag(Spec):
    expected = "true or false"
    types = (bool,)


@dataclass
class Choice(Spec):
    """One of a few fixed values."""
    values: tuple

    @property
    def types(self) -> tuple[type, ...]:
        return tuple({type(v) for v in self.values})

    @property
    def expected(self) -> str:
        if self.values == (None,):
            return "null"
        return "one of " + ", ".join("null" if v is None else str(v) for v in self.values)

    def _check(self, value: Any, path: str, ctx: Context) -> None:
        if value not in self.values:
            raise Mismatch(path, f"expected {self.expected}, got {_kind(value)}")


@dataclass
class Regex(Spec):
    """A regex that compiles. ``fragments``: the table whose `fragments` its $NAME placeholders
    come from (None: it may hold none); ``computed``: placeholder names the engine fills in itself
    (checked as an empty group); ``char_class``: the text is the inside of a [...] class;
    ``groups``: how many capture groups the code reads its value from."""
    fragments: str | None = None
    computed: frozenset[str] = frozenset()
    char_class: bool = False
    groups: int | None = None

    types = (str,)

    @property
    def expected(self) -> str:
        return "the inside of a regex character class" if self.char_class else "a regex"

    def _check(self, value: str, path: str, ctx: Context) -> None:
        if not value:
            raise Mismatch(path, f"expected {self.expected}, got empty text")
        names = PLACEHOLDER.findall(value)
        known = dict(ctx.fragments(self.fragments)) if self.fragments and names else {}
        known.update({name: "(?:)" for name in self.computed})
        unknown = [n for n in names if n not in known]
        if unknown:
            source = (f"rules/{self.fragments}.yaml fragments" if self.fragments else "names") + \
                (" and names the engine builds" if self.computed else "")
            where = f"{source}: {', '.join(sorted(known))}" if known else "no placeholders here"
            raise Mismatch(path, f"unknown placeholder ${unknown[0]} ({where})")
        pattern = expand(value, known) if names else value
        try:
            compiled = re.compile(f"[{pattern}]" if self.char_class else pattern)
        except re.error as exc:
            at = f" at position {exc.pos}" if exc.pos is not None and not names else ""
            raise Mismatch(path, f"not a valid regex ({exc.msg}{at})") from None
        if self.groups is not None and compiled.groups != self.groups:
            raise Mismatch(path, f"expected a regex with {self.groups} capture group(s) (the value read), "
                                 f"got {compiled.groups}; write other groups as (?:…)")


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 1

    types = (list,)

    @property
    def expected(self) -> str:
        return f"a list, each {self.item.expected}"

    def _check(self, value: list, path: str, ctx: Context) -> None:
        if len(value) < self.min_items:
            raise Mismatch(path, f"expected {self.expected} (at least {self.min_items}), got an empty list")
        for i, item in enumerate(value):
            self.item.check(item, _at(path, i), ctx)


@dataclass
class MapOf(Spec):
    """A mapping whose keys and values each fit a spec (a table keyed by word or name)."""
    key: Spec
    value: Spec
    what: str = ""

    types = (dict,)

    @property
    def expected(self) -> str:
        return self.what or f"a mapping, each key {self.key.expected} and each value {self.value.expected}"

    def _check(self, value: dict, path: str, ctx: Context) -> None:
        if not value:
            raise Mismatch(path, f"expected {self.expected}, got an empty mapping")
        for key, item in value.items():
            at = _at(path, str(key))  # a key is named, never indexed, even a number (2001:)
            self.key.check(key, f"{at} (the key)", ctx)
            self.value.check(item, at, ctx)


@dataclass
class Fields(Spec):
    """A mapping with named keys: ``required`` ones, ``optional`` ones, and no others (a key
    spelt wrong is reported with the nearest right spelling). ``also``: a check across keys
    that returns what is wrong (path, message) or None."""
    required: dict[str, Spec]
    optional: dict[str, Spec] = field(default_factory=dict)
    what: str = ""
    also: Callable[[dict], tuple[str, str] | None] | None = None

    types = (dict,)

    @property
    def expected(self) -> str:
        keys = list(self.required)
        return self.what or f"a mapping with {', '.join(keys[:4])}{', …' if len(keys) > 4 else ''}"

    def _check(self, value: dict, path: str, ctx: Context) -> None:
        allowed = [*self.required, *self.optional]
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                known = f"did you mean {near[0]}?" if near else f"expected one of: {', '.join(allowed)}"
                raise Mismatch(_at(path, key), f"unknown key ({known})")
        for key, spec in self.required.items():
            if key not in value:
                raise Mismatch(_at(path, key), f"missing (expected {spec.expected})")
        for key, spec in {**self.required, **self.optional}.items():
            if key in value:
                spec.check(value[key], _at(path, key), ctx)
        problem = self.also(value) if self.also else None
        if problem:
            raise Mismatch(_at(path, problem[0]) if problem[0] else path, problem[1])


@dataclass
class OneOf(Spec):
    """Either of some specs, told apart by the type of the value (a word, or a mapping …)."""
    options: tuple[Spec, ...]

    @property
    def expected(self) -> str:
        return " or ".join(o.expected for o in self.options)

    def check(self, value: Any, path: str, ctx: Context) -> None:
        for option in self.options:
            if option.fits(value):
                try:
                    option.check(value, path, ctx)
                except Mismatch as exc:
                    # deeper down the option knows best; here, name every option
                    if exc.path != path or not exc.message.startswith("expected "):
                        raise
                    break
                return
        raise Mismatch(path, f"expected {self.expected}, got {_kind(value)}")


def Nullable(spec: Spec) -> Spec:  # noqa: N802 (reads like the other specs)
    return OneOf((Choice((None,)), spec))

