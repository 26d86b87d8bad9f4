"""CSV output that spreadsheets can't turn into formulas (CWE-1236).

Every CSV we write (the ledger export, operator exports) goes through
`writer()`, so a title, username or reference that starts like a formula is
quoted with a leading apostrophe. Plain numbers ("-12.50") stay numbers.
"""

import csv
import re

# ASCII and full-width (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠) formula starts,
# plus the control characters some spreadsheets skip before reading one.
_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_safe(value):
    """The cell value, quoted if a spreadsheet would evaluate it."""
    if not isinstance(value, str) or not value:
        return value
    if _NUMBER.fullmatch(value):
        return value
    stripped = value.lstrip(" \u3000")
    if value[0] in _TRIGGERS or (stripped and stripped[0] in _TRIGGERS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, target, **kwargs):
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(target, **kwargs):
    """A `csv.writer` whose every cell passes through `csv_safe`."""
    return _SafeWriter(target, **kwargs)
