"""Document.to_dict() validates against notice_nlp/schema/document.schema.json (draft 2020-12)."""
import copy
import json
from importlib import resources

import pytest
import yaml

import notice_nlp
from notice_nlp.taxonomy import STATUSES

from conftest import SAMPLES, web_records

jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (in the test extra)")


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(resources.files("notice_nlp").joinpath("schema/document.schema.json")
                      .read_text("utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(validator, out: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(out)]


def _json(doc) -> dict:
    return json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))  # what a consumer reads


def test_schema_enums_follow_the_rules(schema):
    categories = yaml.safe_load(resources.files("notice_nlp").joinpath("rules/categories.yaml")
                                .read_text("utf-8"))
    assert schema["$defs"]["category"]["enum"] == list(categories)
    subcategories = {s for v in categories.values() for s in (v.get("subcategories") or {})}
    assert set(schema["$defs"]["subcategory"]["enum"]) == subcategories
    assert schema["$defs"]["status"]["enum"] == list(STATUSES)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_documents_validate(path, validator):
    out = _json(notice_nlp.tag_file(path))
    assert _errors(validator, out) == []


def test_web_notices_validate(validator):
    failures = {}
    records = web_records()
    assert len(records) == 50
    for record in records:
        doc = notice_nlp.tag(record["text"], doc_date=record.get("date"), model="keywords")
        errors = _errors(validator, _json(doc))
        if errors:
            failures[record["id"]] = errors[:3]
    assert failures == {}


def test_group_is_emitted_and_validates(validator):
    out = _json(notice_nlp.tag_file(SAMPLES / "seed004.txt", model="keywords"))
    groups = [issue["group"] for section in out["sections"] for issue in section["issues"]]
    assert any(groups) and all(g is None or " / " in g for g in groups)


def _first_sentence(out: dict) -> dict:
    return next(s for sec in out["sections"] for iss in sec["issues"] for m in iss["measures"]
                for s in m["sentences"])


BREAKAGES = {
    "missing summary": lambda d: d.pop("summary"),
    "schema_version wrong": lambda d: d.update(schema_version=1),
    "sections not a list": lambda d: d.update(sections={}),
    "meta lacks inspector": lambda d: d["meta"].pop("inspector"),
    "bad feedback_date": lambda d: d["meta"].update(feedback_date="2025年8月28日"),
    "issue lacks group": lambda d: d["sections"][1]["issues"][0].pop("group"),
    "unknown issue status": lambda d: d["sections"][1]["issues"][0].update(status="done"),
    "unknown category": lambda d: _first_sentence(d).update(category="sports"),
    "subcategory of another category": lambda d: _first_sentence(d).update(
        category="finance", subcategory="theory_study"),
    "score above 1": lambda d: _first_sentence(d).update(score=1.5),
    "sentence lacks text": lambda d: _first_sentence(d).pop("text"),
    "date of unknown type": lambda d: _first_sentence(d)["dates"].append(
        {"start": 0, "end": 1, "text": "x", "type": "era", "value": None}),
    "date value not ISO": lambda d: _first_sentence(d)["dates"].append(
        {"start": 0, "end": 1, "text": "x", "type": "date", "value": "28/03/2025"}),
    "count without unit": lambda d: _first_sentence(d)["counts"].append(
        {"start": 0, "end": 1, "text": "5", "value": 5, "qualifier": None}),
    "count qualifier unknown": lambda d: _first_sentence(d)["counts"].append(
        {"start": 0, "end": 2, "text": "5项", "value": 5, "unit": "项", "qualifier": "lots"}),
    "by_status key unknown": lambda d: d["summary"]["by_status"].update(finished=3),
}


@pytest.fixture(scope="module")
def seed000_json() -> dict:
    return _json(notice_nlp.tag_file(SAMPLES / "seed000.txt", model="keywords"))


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_a_broken_document_fails(name, seed000_json, validator):
    assert _errors(validator, seed000_json) == []
    broken = copy.deepcopy(seed000_json)
    BREAKAGES[name](broken)
    assert _errors(validator, broken), f"{name}: the schema let it through"


def test_extensions_are_allowed(seed000_json, validator):
    extended = copy.deepcopy(seed000_json)
    extended["warnings"] = ["a flagged guess"]
    extended["meta"]["publisher"] = "区卫健局"
    _first_sentence(extended)["dates"].append(
        {"start": 0, "end": 4, "text": "2025920", "type": "date", "value": "2025-09-20", "malformed": True})
    assert _errors(validator, extended) == []
