"""Periods as the official reports use them: year, quarter, month, date range.

A period is its first and last natural day (both included) and a canonical label
(``2026``, ``2026Q1``, ``2026-03``, ``2026-01-01..2026-06-30``). The comparison
period of a bulletin's 同比 is the same period a year earlier
(:func:`year_earlier`); a monthly bulletin also gives 1—N月累计, the year to date
(:func:`year_to_date`), and its monthly series (:func:`months`).

Examples
--------
>>> p = parse_period("2026Q1")
>>> p.start, p.end, p.kind
(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), 'quarter')
>>> year_earlier(p).label
'2025Q1'
>>> parse_period("2026-02-29")
Traceback (most recent call last):
...
indicators.errors.IndicatorInputError: column 'period': malformed period (expected ...)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import IndicatorInputError

__all__ = [
    "PERIOD_FORMS",
    "Period",
    "has_year_to_date",
    "months",
    "parse_period",
    "year_earlier",
    "year_to_date",
]

#: The period forms a report accepts, as shown in error messages.
PERIOD_FORMS = (
    "a year '2026', a quarter '2026Q1', a month '2026-03' "
    "or a date range '2026-01-01..2026-06-30' (both ends included)"
)

_YEAR = re.compile(r"(\d{4})", re.ASCII)
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_RANGE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_YEARS = (1980, 2100)


@dataclass(frozen=True)
class Period:
    """A report period: first and last day (both included) and its canonical label."""

    start: date
    end: date
    label: str
    kind: str  # "year", "quarter", "month" or "range"

    @property
    def slug(self) -> str:
        """The label as used in file names (``..`` becomes ``_``)."""
        return self.label.replace("..", "_")

    @property
    def days(self) -> int:
        """Calendar days in the period."""
        return (self.end - self.start).days + 1

    def display(self, lang: str) -> str:
        """The period in words.

        A range of whole months of one year reads as the bulletins write it
        (1—N月累计: ``2026年1—3月``).

        >>> parse_period("2026Q1").display("zh"), parse_period("2026-03").display("en")
        ('2026年第1季度', '2026-03')
        >>> p = parse_period("2026-01-01..2026-08-31")
        >>> p.display("zh"), p.display("en")
        ('2026年1—8月', 'Jan–Aug 2026')
        """
        y = self.start.year
        if self.kind == "range" and self._whole_months():
            a, b = self.start.month, self.end.month
            if lang == "zh":
                return f"{y}年{a}—{b}月"
            return f"{calendar.month_abbr[a]}–{calendar.month_abbr[b]} {y}"
        if lang == "zh":
            return {
                "year": f"{y}年",
                "quarter": f"{y}年第{(self.start.month - 1) // 3 + 1}季度",
                "month": f"{y}年{self.start.month}月",
            }.get(self.kind, f"{self.start}至{self.end}")
        return self.label.replace("..", " to ")

    def _whole_months(self) -> bool:
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return (
            self.start.year == self.end.year
            and self.start.day == 1
            and self.end.day == last
            and self.start.month < self.end.month
        )


def _fail_period(text: object, column: str = "period") -> IndicatorInputError:
    return IndicatorInputError("malformed period", column=column, expected=PERIOD_FORMS, found=text)


def _day(y: str, m: str, d: str, text: str, column: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise _fail_period(text, column) from None


def parse_period(text: str, *, column: str = "period") -> Period:
    """Parse a period string into first day, last day and canonical label.

    Parameters
    ----------
    text : str
        ``"2026"`` (year), ``"2026Q1"`` (quarter), ``"2026-03"`` (month) or
        ``"2026-01-01..2026-06-30"`` (date range, both ends included).
    column : str
        Parameter name used in the error message.

    Returns
    -------
    Period

    Raises
    ------
    IndicatorInputError
        When ``text`` is none of these forms, names an impossible date, has
        its end before its start, or a year outside 1980-2100.

    Examples
    --------
    >>> parse_period("2024-02").end
    datetime.date(2024, 2, 29)
    >>> parse_period("2026-01-01..2026-06-30").days
    181
    """
    if not isinstance(text, str):
        raise _fail_period(text, column)
    s = text
    if m := _YEAR.fullmatch(s):
        y = int(m[1])
        start, end, label, kind = date(y, 1, 1), date(y, 12, 31), s, "year"
    elif m := _QUARTER.fullmatch(s):
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        start = date(y, last - 2, 1)
        end = date(y, last, calendar.monthrange(y, last)[1])
        label, kind = f"{y}Q{q}", "quarter"
    elif m := _MONTH.fullmatch(s):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise _fail_period(text, column)
        start, end = date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        label, kind = s, "month"
    elif m := _RANGE.fullmatch(s):
        start = _day(m[1], m[2], m[3], text, column)
        end = _day(m[4], m[5], m[6], text, column)
        if end < start:
            raise IndicatorInputError(
                "period ends before it starts", column=column, expected=PERIOD_FORMS, found=text
            )
        label, kind = f"{start.isoformat()}..{end.isoformat()}", "range"
    else:
        raise _fail_period(text, column)
    if not (_YEARS[0] <= start.year and end.year <= _YEARS[1]):
        raise IndicatorInputError(
            "period out of range",
            column=column,
            expected=f"years {_YEARS[0]}-{_YEARS[1]}",
            found=text,
        )
    return Period(start, end, label, kind)


def _shift_year(d: date, years: int, *, keep_month_end: bool) -> date:
    """``d`` moved by whole years; 29 February becomes 28 February."""
    y = d.year + years
    last = calendar.monthrange(y, d.month)[1]
    if keep_month_end and d.day == calendar.monthrange(d.year, d.month)[1]:
        return date(y, d.month, last)
    return date(y, d.month, min(d.day, last))


def year_earlier(period: Period) -> Period:
    """The same period one year earlier (the default comparison period).

    A date range ending on a month's last day ends on that month's last day in
    the earlier year too (29 February 2024 <-> 28 February 2025).

    Parameters
    ----------
    period : Period
        The period (:func:`parse_period`): a year, quarter or month gives the same
        calendar unit a year earlier, a date range both ends moved back one year.

    Examples
    --------
    >>> year_earlier(parse_period("2024-01-01..2024-02-29")).label
    '2023-01-01..2023-02-28'
    >>> year_earlier(parse_period("2025-01-01..2025-02-28")).label
    '2024-01-01..2024-02-29'
    """
    y = period.start.year - 1
    if period.kind == "year":
        return parse_period(f"{y}")
    if period.kind == "quarter":
        return parse_period(f"{y}Q{(period.start.month - 1) // 3 + 1}")
    if period.kind == "month":
        return parse_period(f"{y}-{period.start.month:02d}")
    start = _shift_year(period.start, -1, keep_month_end=False)
    end = _shift_year(period.end, -1, keep_month_end=True)
    return parse_period(f"{start.isoformat()}..{end.isoformat()}")


def months(period: Period) -> list[Period]:
    """The calendar months a period touches, each cut to the period (the monthly series).

    Parameters
    ----------
    period : Period
        The period (:func:`parse_period`); a month it only partly covers is cut to
        its days inside the period.

    Examples
    --------
    >>> [m.label for m in months(parse_period("2026Q1"))]
    ['2026-01', '2026-02', '2026-03']
    >>> [m.label for m in months(parse_period("2026-01-15..2026-02-10"))]
    ['2026-01-15..2026-01-31', '2026-02-01..2026-02-10']
    """
    out = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        first = max(date(y, m, 1), period.start)
        last = min(date(y, m, calendar.monthrange(y, m)[1]), period.end)
        whole = first.day == 1 and last.day == calendar.monthrange(y, m)[1]
        out.append(parse_period(f"{y}-{m:02d}" if whole else f"{first}..{last}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def has_year_to_date(period: Period) -> bool:
    """Whether a report of ``period`` gives its year to date too.

    A month after January (MEE's monthly 《X月和1—X月全国环境空气质量状况》) and a
    quarter after the first (the quarterly surface-water reports give 1—N季度 since
    2022); a year, a first month or quarter, or a date range do not.

    Parameters
    ----------
    period : Period
        The report period (:func:`parse_period`).

    Examples
    --------
    >>> [has_year_to_date(parse_period(p)) for p in ("2026-03", "2026Q3", "2026Q1", "2026")]
    [True, True, False, False]
    """
    return period.kind in ("month", "quarter") and period.start.month > 1


def year_to_date(period: Period) -> Period:
    """1 January of the period's last year to its last day (1—N月累计 of a monthly bulletin).

    Parameters
    ----------
    period : Period
        The period (:func:`parse_period`) whose last day ends the window; a window
        ending on 31 December is the calendar year.

    Examples
    --------
    >>> year_to_date(parse_period("2026-08")).label
    '2026-01-01..2026-08-31'
    >>> year_to_date(parse_period("2026-12")).label
    '2026'
    """
    end = period.end
    if (end.month, end.day) == (12, 31):
        return parse_period(f"{end.year}")
    return parse_period(f"{end.year}-01-01..{end.isoformat()}")
