"""core.csvsafe: every CSV cell that a spreadsheet would run as a formula is quoted."""

import csv
import io

import pytest

from core.csvsafe import csv_safe, writer

DANGEROUS = [
    "=SUM(A1)",
    "+1+1",
    "-2+3",
    "@cmd",
    "\t=1",
    "\r=1",
    "\n=1",
    "\uff1dSUM(A1)",  # full-width =
    "\uff0b1",  # full-width +
    "\uff0d1",  # full-width -
    "\uff20cmd",  # full-width @
    "  =1",  # leading spaces before a formula
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_quoted(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Django deep dive", "", "12.50", "-12.50", "0", "a=b"])
def test_plain_text_and_numbers_are_kept(value):
    assert csv_safe(value) == value


def test_non_strings_pass_through():
    assert csv_safe(5) == 5 and csv_safe(None) is None


def test_the_writer_quotes_every_cell():
    buffer = io.StringIO()
    writer(buffer).writerows([["=1", "ok", 3, "\uff20x"]])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1", "ok", "3", "'\uff20x"]
