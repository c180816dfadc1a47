"""What each rule table must hold: one schema per rules/<name>.yaml, checked when it is loaded.

A schema lists every key its module reads (and no others, so a misspelt key is caught),
the type of each value, and which strings are regexes (they must compile, with the
$NAME fragments they may use). Keep a schema next to its table's comments in mind: when
a table gains a key, its schema gains it too.
"""
from __future__ import annotations

from .spec import Choice, Fields, Flag, ListOf, MapOf, Nullable, Number, OneOf, Regex, Text

STATUSES = ("unfinished", "in_progress", "planned", "ongoing", "completed")
SPAN_TYPES = ("date", "month", "year", "part", "range", "deadline", "frequency", "relative")

WORDS = ListOf(Text())
LAYOUT_REGEX = Regex(fragments="layout")


def _group_regex(groups: int) -> Regex:
    """A layout-fragment regex whose value is read from its capture group(s)."""
    return Regex(fragments="layout", groups=groups)


def _named_styles_exist(table: dict) -> tuple[str, str] | None:
    """Aliases, problem-label and section styles name styles of enumerator_styles."""
    styles = table["enumerator_styles"]
    named = [(f"enumerator_aliases.{alias}", name) for alias, style in table["enumerator_aliases"].items()
             for name in (alias, style)]
    named += [(f"{key}[{i}]", name) for key in ("problem_label_styles", "section_styles")
              for i, name in enumerate(table[key])]
    for where, name in named:
        if name not in styles:
            return where, f"{name!r} is no style of enumerator_styles ({', '.join(styles)})"
    return None


LAYOUT = Fields({
    # checked first: the patterns below may use them
    "fragments": MapOf(Text("a NAME in capitals"), Regex(), what="a mapping of NAME to a regex piece"),
    "enumerator_styles": MapOf(Text("a style name"), LAYOUT_REGEX, what="a mapping of style name to regex"),
    "enumerator_aliases": MapOf(Text("a style name"), Text("a style name"),
                                what="a mapping of style name to the style it counts as"),
    "inline_measure_enumerators": ListOf(LAYOUT_REGEX),
    "inline_heading_enumerators": ListOf(LAYOUT_REGEX),
    "problem_heading": LAYOUT_REGEX,
    "problem_label_styles": WORDS,
    "section_styles": WORDS,
    "problem_wording": LAYOUT_REGEX,
    "problem_predicate": LAYOUT_REGEX,
    "problem_statement_end": LAYOUT_REGEX,
    "topic_heading": LAYOUT_REGEX,
    "status_line_start": LAYOUT_REGEX,
    "preamble_start": LAYOUT_REGEX,
    "issuer_line": LAYOUT_REGEX,
    "title_line_end": LAYOUT_REGEX,
    "title_line_start": LAYOUT_REGEX,
    "paragraph_openers": WORDS,
    "chrome_labels": ListOf(Fields({"label": Text("a label"), "meta": Nullable(Choice(("publisher", "doc_date")))},
                                   {"in_line": Flag()})),
    "chrome_lines": WORDS,
    "chrome_substrings": WORDS,
    "date_only_line": LAYOUT_REGEX,
    "date_only_head_lines": Number(minimum=0),
    "in_line_date": _group_regex(1),
    "byline_date": _group_regex(1),
    "head_date_suffix": _group_regex(1),
    "chrome_patterns": ListOf(LAYOUT_REGEX),
    "debris_patterns": ListOf(LAYOUT_REGEX),
    "measure_markers": WORDS,
    "status_markers": WORDS,
    "preamble_patterns": ListOf(LAYOUT_REGEX),
    "closing_patterns": ListOf(LAYOUT_REGEX),
    "contact_patterns": ListOf(LAYOUT_REGEX),
}, also=_named_styles_exist)

META = Fields({
    "issuer_tail": LAYOUT_REGEX,
    "title": LAYOUT_REGEX,
    "index_number": LAYOUT_REGEX,
    "issuer": _group_regex(1),
    "issuer_before_title": _group_regex(1),
    "preamble_issuer": _group_regex(1),
    "short_name": LAYOUT_REGEX,
    "inspector": _group_regex(1),
    "preamble_lines": ListOf(LAYOUT_REGEX),
    "feedback_words": WORDS,
    "chrome_date": _group_regex(3),
    "phone": _group_regex(1),
    "address": _group_regex(1),
    "email": LAYOUT_REGEX,
})


def _one_cue_form(cue: dict) -> tuple[str, str] | None:
    if ("word" in cue) == ("pattern" in cue):
        return "", "expected exactly one of word or pattern"
    if "pattern" in cue and "starts" not in cue:
        return "starts", "missing (a pattern lists the characters it can begin with)"
    return None


_CUE = OneOf((Text("a cue word"), Fields({}, {
    "word": Text(), "pattern": Regex(), "starts": Text("the characters the pattern can begin with"),
    "after": WORDS, "not_after": WORDS, "not_before": WORDS, "not_in_clause": WORDS,
    "at_clause_start": Flag(), "in_headings": Flag(), "plan_object": Flag(),
}, what="a mapping with word or pattern", also=_one_cue_form)))


def _rule_has_cues(rule: dict) -> tuple[str, str] | None:
    return None if rule.get("cues") or rule.get("patterns") else ("", "expected cues or patterns (or both)")


STATUS = Fields({
    "precedence": ListOf(Choice(STATUSES)),
    "cues": Fields({status: ListOf(_CUE) for status in STATUSES}),
    "negations": WORDS,
    "problem_title": LAYOUT_REGEX,
    "dated_action": Fields({"types": ListOf(Choice(SPAN_TYPES)),
                            "lead_in": WORDS}),
    "deadline_completion": Fields({"window": Number(minimum=1), "verbs": WORDS}),
    "heading": Fields({"enumerator": LAYOUT_REGEX, "max_chars": Number(minimum=1),
                       "max_clause_chars": Number(minimum=1), "slogan_max_clauses": Number(minimum=1),
                       "strong_cues": MapOf(Choice(STATUSES), WORDS, what="a mapping of status to words")}),
    "issue_status": Fields({
        "labels": WORDS, "subjects": WORDS, "max_bare_chars": Number(minimum=1), "bare_start": Regex(),
        "rules": ListOf(Fields({"status": Choice(STATUSES)}, {"cues": WORDS, "patterns": ListOf(Regex())},
                               also=_rule_has_cues)),
    }),
})

# Placeholders of rules/dates.yaml's shapes that dates.py builds from the word tables.
DATE_PLACEHOLDERS = frozenset({"RYEAR", "YHEAD", "YPART", "YPART_AFTER", "MPART", "FEST", "FSUF",
                               "COMPACT_STOP", "REL", "FREQ_WORD", "FREQ"})


def _words_entry(required: dict | None = None, optional: dict | None = None) -> Fields:
    return Fields({"words": WORDS, **(required or {})}, optional or {})


DATES = Fields({
    "fragments": MapOf(Text("a NAME in capitals"), Regex(), what="a mapping of NAME to a regex piece"),
    "range_connectors": WORDS,
    "deadline_suffixes": WORDS,
    "deadline_not_after": WORDS,
    "compact_not_before": WORDS,
    "year_parts": ListOf(_words_entry({"value": Text(), "last": Text("MM-DD")}, {"after_year": WORDS})),
    "month_parts": ListOf(_words_entry({"last": OneOf((Number(minimum=1), Choice(("end",))))})),
    "festival_suffixes": WORDS,
    "festivals": ListOf(_words_entry({"month": Number(minimum=1)},
                                     {"months_by_year": MapOf(Number(minimum=1900), Number(minimum=1),
                                                              what="a mapping of year to month")})),
    "relative_years": ListOf(_words_entry({"offset": Number()}, {"not_before": WORDS})),
    "relative_words": ListOf(_words_entry(optional={"not_before": WORDS, "not_before_digit": Flag(),
                                                    "at_clause_start": Flag()})),
    "frequency_prefix": Text(),
    "frequency_numbers": MapOf(Text("a numeral"), Number(minimum=1), what="a mapping of numeral to number"),
    "frequency_units": ListOf(_words_entry({"n": Number(minimum=1), "unit": Choice(("D", "W", "M", "Y"))},
                                           {"countable": Flag(), "weekday": Flag()})),
    "frequency_part_suffixes": WORDS,
    "weekdays": WORDS,
    "weekday_not_before": WORDS,
    "frequency_words": ListOf(_words_entry({"value": Text("an ISO 8601 duration")})),
    "shapes": ListOf(Fields(
        {"name": Text("a shape name"),
         "type": Choice(("date", "month", "year", "part", "frequency", "relative")),
         "pattern": Regex(fragments="dates", computed=DATE_PLACEHOLDERS)},
        {"malformed": Flag(), "range_end_only": Flag(), "range_start_only": Flag()})),
    "chinese_digits": MapOf(Text("a numeral"), Number(minimum=0), what="a mapping of numeral to digit"),
    "chinese_tens": MapOf(Text("a numeral"), Number(minimum=10), what="a mapping of numeral to tens"),
})

_QUALIFIER = Choice(("about", "nearly", "more_than", "at_least", "at_most"))
_PAIR = Text("an opening and a closing character", length=2)

COUNTS = Fields({
    "units": ListOf(WORDS),
    "arabic_only": WORDS,
    "scales": MapOf(Text("a scale word"), Number(minimum=1), what="a mapping of scale word to factor"),
    "chinese_digits": Regex(char_class=True),
    "chinese_first": Regex(char_class=True),
    "lone_a": WORDS,
    "lone_a_counts_after": WORDS,
    "lone_a_frequency_units": WORDS,
    "frequency_marker": Text(),
    "qualifiers": Fields({part: MapOf(Text(), _QUALIFIER, what="a mapping of word to qualifier")
                          for part in ("before", "after_number", "after_unit")}),
    "qualifier_not_after": MapOf(Text(), WORDS, what="a mapping of qualifier word to characters"),
    "qualifier_not_before": MapOf(Text(), WORDS, what="a mapping of qualifier word to characters"),
    "range_connectors": WORDS,
    "not_after_words": WORDS,
    "group_words": WORDS,
    "group_units": WORDS,
    "identifier_chars": Regex(char_class=True),
    "quote_pairs": ListOf(_PAIR),
    "max_quote_chars": Number(minimum=1),
    "book_title_pairs": ListOf(_PAIR),
    "fixed_terms": WORDS,
})

CATEGORIES = MapOf(Text("a category code"), Fields({
    "name": Text("a display name"),
    "subcategories": MapOf(Text("a subcategory code"), Fields({"name": Text("a display name"),
                                                               "cues": ListOf(Text(), min_items=0)}),
                           what="a mapping of subcategory code to its name and cues"),
}), what="a mapping of category code to its name and subcategories")

SCHEMAS = {"layout": LAYOUT, "meta": META, "status": STATUS, "dates": DATES, "counts": COUNTS,
           "categories": CATEGORIES}
