"""Shares printed as the published tables print them (SPEC §5, the 2012 report's Tabell 1–6)."""

from __future__ import annotations

from functools import lru_cache

NO_SHARE = "–"  # en dash: a share of an empty row


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to a whole number, halves up (exact integer arithmetic:
    floats would turn 0.5 % into 0.49999… for some totals)."""
    return (2 * numerator + denominator) // (2 * denominator)


# The monthly job prints tens of thousands of shares, most of them the same few (0 %, 100 %, an
# empty row's dash): each pair is worked out once per process. A share is a str, never changed.
@lru_cache(maxsize=1 << 16)
def printed_share(count: int, total: int) -> str:
    """`count` as a share of `total`, printed like the published tables.

    - whole per cent, halves rounded up: 743 of 2910 → "26%", 3 of 8 → "38%" (37.5 %);
    - below 1 % (after rounding to one decimal) one decimal with a decimal comma: 12 of 3740 →
      "0,3%"; a share that rounds to 1,0 % is printed "1%";
    - the whole row: "100%"; a zero count: "0%"; an empty row (total 0): "–".

    The published tables do not follow one rule everywhere (see reporting/tests/
    test_metrics_printing.py for the cells this rule prints differently)."""
    if total < 0 or count < 0 or count > total:
        raise ValueError(f"a share needs 0 <= count <= total, got {count} of {total}")
    if total == 0:
        return NO_SHARE
    if count == 0:
        return "0%"
    tenths = _half_up(count * 1000, total)
    if tenths < 10:
        return f"0,{tenths}%"
    return f"{_half_up(count * 100, total)}%"
