"""The rule tables (notice_nlp/rules/*.yaml): every shipped table loads, and a broken one fails
with a message that names the file, the key and what was expected (issue 16)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from notice_nlp import NoticeError, rules
from notice_nlp.errors import RulesError

RULES = Path(rules.__file__).parent


@pytest.fixture
def broken_table(tmp_path, monkeypatch):
    """Make the loader read a copy of one shipped table with one edit: broken_table(name, old, new)."""
    def make(name: str, old: str, new: str) -> None:
        text = (RULES / f"{name}.yaml").read_text("utf-8")
        assert old in text, f"{old!r} is not in rules/{name}.yaml any more: update the test"
        (tmp_path / f"{name}.yaml").write_text(text.replace(old, new, 1), "utf-8")
        monkeypatch.setattr(rules, "_source", lambda table: (tmp_path if table == name else RULES) / f"{table}.yaml")
        rules.load.cache_clear()

    yield make
    rules.load.cache_clear()  # the next load reads the shipped tables again


@pytest.mark.parametrize("name", rules.TABLES)
def test_every_shipped_table_loads(name):
    assert isinstance(rules.load(name), dict)


def test_every_yaml_file_has_a_schema():
    assert sorted(p.stem for p in RULES.glob("*.yaml")) == sorted(rules.TABLES)


@pytest.mark.parametrize("name, old, new, message", [
    # a bad regex: the file, the key with its index, what is wrong
    ("layout", "  - '(欢迎|诚恳欢迎)", "  - '((欢迎|诚恳欢迎)",
     "rules/layout.yaml: closing_patterns[1]: not a valid regex (missing ), unterminated subpattern at position 0)"),
    # a missing key
    ("layout", "status_markers:", "status_marker:",
     "rules/layout.yaml: status_marker: unknown key (did you mean status_markers?)"),
    ("meta", "short_name:", "# short_name:",
     "rules/meta.yaml: short_name: missing (expected a regex)"),
    # a wrong type
    ("layout", "date_only_head_lines: 4", "date_only_head_lines: four",
     "rules/layout.yaml: date_only_head_lines: expected a whole number ≥ 0, got text 'four'"),
    ("layout", 'status_markers:\n  - "整改状态"\n  - "整改结果"\n  - "完成情况"\n  - "整改时限"',
     'status_markers: "整改状态"',
     "rules/layout.yaml: status_markers: expected a list, each a word, got text '整改状态'"),
    ("layout", "chrome_lines:", "chrome_line_list:",
     "rules/layout.yaml: chrome_line_list: unknown key (did you mean chrome_lines?)"),
    ("layout", '{label: "发布机构", meta: publisher}', '{label: "发布机构", meta: title}',
     "rules/layout.yaml: chrome_labels[4].meta: expected null or one of publisher, doc_date, got text 'title'"),
    # a placeholder that names no fragment
    ("layout", "cn_dun: '$CN_NUM+", "cn_dun: '$CN_NUMS+",
     "rules/layout.yaml: enumerator_styles.cn_dun: unknown placeholder $CN_NUMS (rules/layout.yaml fragments: "
     "CN_NUM, CN_TEN, DATE, ISSUER_SUFFIX, NOT_DECIMAL, SHORTCOMING, TIME)"),
    ("layout", "lost_paren: cn_paren", "lost_paren: cn_parens",
     "rules/layout.yaml: enumerator_aliases.lost_paren: 'cn_parens' is no style of enumerator_styles"),
    ("layout", "problem_label_styles: [problem_label]", "problem_label_styles: [problem_labels]",
     "rules/layout.yaml: problem_label_styles[0]: 'problem_labels' is no style of enumerator_styles"),
    # the value is read from a group: a second group would shift it
    ("meta", "phone: '(?:联系电话|", "phone: '(联系电话|",
     "rules/meta.yaml: phone: expected a regex with 1 capture group(s) (the value read), got 2"),
    # nested tables: a cue with a misspelt guard, a shape with an unknown placeholder
    ("status", "{word: 未能, not_after: [不]}", "{word: 未能, not_afte: [不]}",
     "rules/status.yaml: cues.unfinished[11].not_afte: unknown key (did you mean not_after?)"),
    ("dates", "pattern: '$NB$Y$_[-/]", "pattern: '$NB$YY$_[-/]",
     "rules/dates.yaml: shapes[0].pattern: unknown placeholder $YY"),
    ("counts", "quote_pairs: ['“”'", "quote_pairs: ['“'",
     "rules/counts.yaml: quote_pairs[0]: expected an opening and a closing character (2 characters), got text '“'"),
    ("categories", "  name: 党的建设\n", "",
     "rules/categories.yaml: party_building.name: missing (expected a display name)"),
    # not YAML at all
    ("layout", "chrome_lines:\n", "chrome_lines: [\n",
     "rules/layout.yaml: not valid YAML at line"),
])
def test_a_broken_table_names_file_key_and_what_was_expected(broken_table, name, old, new, message):
    broken_table(name, old, new)
    with pytest.raises(RulesError) as caught:
        rules.load(name)
    assert str(caught.value).startswith(message)


def test_rules_error_is_a_notice_error():
    assert issubclass(RulesError, NoticeError) and issubclass(RulesError, ValueError)


def test_a_table_that_uses_layout_fragments_is_checked_against_them(broken_table):
    # status.yaml's heading enumerator is written with $CN_TEN of rules/layout.yaml
    broken_table("status", "|$CN_TEN{1,3}是|", "|$CN_TENS{1,3}是|")
    with pytest.raises(RulesError) as caught:
        rules.load("status")
    assert str(caught.value) == ("rules/status.yaml: heading.enumerator: unknown placeholder $CN_TENS "
                                 "(rules/layout.yaml fragments: CN_NUM, CN_TEN, DATE, ISSUER_SUFFIX, NOT_DECIMAL, "
                                 "SHORTCOMING, TIME)")


def test_a_broken_table_fails_when_its_module_is_imported(tmp_path):
    """Checked at import: the import itself fails, naming the table (in a fresh interpreter,
    so this process keeps its modules)."""
    text = (RULES / "layout.yaml").read_text("utf-8").replace("preamble_patterns:", "preamble_pattern:", 1)
    (tmp_path / "layout.yaml").write_text(text, "utf-8")
    script = (
        "import pathlib, notice_nlp.rules as rules\n"
        f"broken = pathlib.Path({str(tmp_path)!r})\n"
        "rules._source = lambda name: (broken if name == 'layout' else pathlib.Path(rules.__file__).parent) / f'{name}.yaml'\n"
        "import notice_nlp.text.structure\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=RULES.parents[1])
    assert done.returncode != 0
    assert "RulesError: rules/layout.yaml: preamble_pattern: unknown key (did you mean preamble_patterns?)" \
        in done.stderr


def test_date_placeholders_are_the_ones_the_engine_builds():
    from notice_nlp.rules.schemas import DATE_PLACEHOLDERS
    from notice_nlp.tagging import dates

    built = set(dates._placeholders()) - set(rules.load("dates")["fragments"])
    assert built == DATE_PLACEHOLDERS


def test_layout_patterns_live_in_the_tables_not_in_the_code():
    """Each layout pattern is written once, in rules/*.yaml: the code compiles it from there.
    (A signature piece of each that turns up in Python source is a copy that can drift.)"""
    pieces = ["一二三四五六七八九十", "委员会|党委", "根据|按照", "以上|上述", "发布时间|", "巡察|巡视",
              r"\d{4}\s*[", "是(?=", "以下简称[", "联系电话|"]
    package = RULES.parent
    sources = [p for p in package.rglob("*.py") if "training" not in p.parts]
    copies = [f"{p.relative_to(package)}: {piece}" for p in sources for piece in pieces
              if piece in p.read_text("utf-8")]
    assert copies == []


def test_each_layout_pattern_is_written_once():
    """No regex is written twice across the tables (a second copy would drift)."""
    seen: dict[str, str] = {}
    twice = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
        elif isinstance(value, str) and len(value) > 12 and re.search(r"[\\(\[]", value):
            if value in seen:
                twice.append(f"{where} = {seen[value]}")
            seen.setdefault(value, where)

    for name in rules.TABLES:
        walk(rules.load(name), name)
    assert twice == []
