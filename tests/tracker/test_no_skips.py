"""CI fails a run with a skipped test when DATABASE_URL is set (tests/plugins/no_skips.py)."""

import pytest

SKIPPING = """
import pytest

def test_runs():
    assert True

@pytest.mark.skipif(True, reason="demonstration")
def test_skipped():
    pass
"""


@pytest.mark.parametrize("database_url,expected", [("postgres://ci/tracker", 1), ("", 0)])
def test_a_skipped_test_fails_the_run_only_on_the_production_database(pytester, monkeypatch, database_url, expected):
    monkeypatch.setenv("DATABASE_URL", database_url)
    pytester.makepyfile(test_sample=SKIPPING)
    result = pytester.runpytest("-p", "tests.plugins.no_skips", "-p", "no:django", "-p", "no:env")
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == expected
