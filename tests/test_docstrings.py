"""The public functions document their parameters, returns, errors and an example that runs."""
import doctest
import importlib
import inspect

import pytest

import notice_nlp

MODULES = ["notice_nlp.pipeline", "notice_nlp.batch", "notice_nlp.classifier.classify", "notice_nlp.tagging.status",
           "notice_nlp.tagging.counts", "notice_nlp.tagging.dates", "notice_nlp.tagging.due", "notice_nlp.text.sentences"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("name", ["tag", "tag_file", "pipe", "classify", "detect_status", "extract_dates",
                                  "extract_counts", "split_sentences"])
def test_public_functions_have_real_docstrings(name):
    doc = inspect.getdoc(getattr(notice_nlp, name))
    assert len(doc.splitlines()) >= 5 and ">>>" in doc
