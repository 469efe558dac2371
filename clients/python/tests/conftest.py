"""Tests marked `stack` need a running talentflow stack holding the sample feed: `pytest --stack` runs them
against TALENTFLOW_QUERY_ADDR and TALENTFLOW_INGEST_ADDR (tests/e2e/python_client_test.sh starts one);
without --stack they are skipped and only the pure tests run."""

import os

import pytest


def pytest_addoption(parser):
    parser.addoption("--stack", action="store_true",
                     help="run the tests that need a stack (TALENTFLOW_QUERY_ADDR, TALENTFLOW_INGEST_ADDR)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--stack"):
        for var in ("TALENTFLOW_QUERY_ADDR", "TALENTFLOW_INGEST_ADDR"):
            if not os.environ.get(var):
                raise pytest.UsageError(f"--stack needs {var} (the stack's address)")
        return
    skip = pytest.mark.skip(reason="needs a stack: pytest --stack")
    for item in items:
        if "stack" in item.keywords:
            item.add_marker(skip)
