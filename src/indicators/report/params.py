"""Report parameters: parsed and checked before anything runs.

A report is asked for by city, period, comparison period, AQI edition,
language, data folder and targets file. Every value is checked against a
whitelist (the city against the station list of the data folder, the period
against four fixed forms, the edition against :data:`indicators.standards.EDITIONS`,
the language against :data:`~indicators.report.labels.LANGS`), so that what
reaches the notebook is one of a known set of plain strings: a value can never
inject code.

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
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from .. import contract
from ..errors import IndicatorInputError
from ..standards import resolve_edition
from .labels import LANGS

__all__ = [
    "PERIOD_FORMS",
    "Period",
    "ReportParams",
    "known_cities",
    "parse_period",
    "safe_file_name",
    "validate_params",
    "year_earlier",
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
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DOTS = re.compile(r"\.{2,}")
#: Names Windows reserves for devices, whatever the extension (case-insensitive).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
#: Longest name part kept, in characters (a Chinese character is 3 bytes of the 255 allowed).
_NAME_CHARS = 60


def safe_file_name(name: str) -> str:
    r"""``name`` as one safe file-name part: unchanged when safe, else cleaned and hashed.

    Letters and digits of any script (Chinese characters stay readable) and
    ``-``, ``_``, ``.`` are kept; every other character (path separators ``/``
    and ``\``, control and format characters, spaces, punctuation such as ``,``
    ``:`` ``*`` ``?`` ``~``) becomes ``_``, as do runs of dots (``..``) and a leading or
    trailing dot. A name that had to be changed, was longer than 60 characters,
    is empty or is a Windows device name (``CON``, ``NUL``, ``COM1``, ...) gets
    ``~`` and the first 8 hex digits of the SHA-256 of the original name
    appended, so that two different names never share a file name (a name kept
    as it is has no ``~``).

    Parameters
    ----------
    name : str
        A city name as found in the data.

    Returns
    -------
    str
        Never empty, never containing a path separator, never ``.`` or ``..``.

    Examples
    --------
    >>> safe_file_name("清河市")
    '清河市'
    >>> safe_file_name("../../x")
    '____x~9cdf6a50'
    >>> safe_file_name("a/b"), safe_file_name("a_b")
    ('a_b~c14cddc0', 'a_b')
    """
    text = unicodedata.normalize("NFC", name)
    kept = "".join(
        ch if ch in "-_." or unicodedata.category(ch)[0] in "LNM" else "_" for ch in text
    )
    kept = _DOTS.sub("_", kept)
    if kept.startswith("."):
        kept = "_" + kept[1:]
    if kept.endswith("."):
        kept = kept[:-1] + "_"
    kept = kept[:_NAME_CHARS]
    if kept == name and kept and kept.split(".")[0].upper() not in _RESERVED:
        return kept
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kept}~{digest}"


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

        >>> parse_period("2026Q1").display("zh"), parse_period("2026-03").display("en")
        ('2026年第1季度', '2026-03')
        """
        y = self.start.year
        if lang == "zh":
            return {
                "year": f"{y}年",
                "quarter": f"{y}年第{(self.start.month - 1) // 3 + 1}季度",
                "month": f"{y}年{self.start.month}月",
            }.get(self.kind, f"{self.start}至{self.end}")
        return self.label.replace("..", " to ")


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


def known_cities(data: str | Path) -> list[str]:
    """Cities in the station list (the ``stations`` table) of the data folder, in file order.

    Raises
    ------
    IndicatorInputError
        When the folder has no station list.
    """
    path = contract.require_table(data, "stations")
    cities = pl.read_parquet(path, columns=["city"])["city"].drop_nulls()
    return cities.unique(maintain_order=True).to_list()


def _check_text(value: object, column: str) -> str:
    if not isinstance(value, str) or _CONTROL.search(value):
        raise IndicatorInputError(
            "not a plain string",
            column=column,
            expected="a string without control characters",
            found=value,
        )
    return value


def _folder(value: str, column: str) -> Path:
    path = Path(_check_text(value, column)).expanduser().resolve()
    if not path.is_dir():
        raise IndicatorInputError("no such folder", column=column, expected="a folder", found=value)
    return path


@dataclass(frozen=True)
class ReportParams:
    """Checked report parameters (build with :func:`validate_params`)."""

    city: str
    period: Period
    compare: Period
    edition: str
    lang: str
    data: Path
    targets: Path | None

    def notebook_parameters(self) -> dict[str, str]:
        """The parameters as the notebook receives them: plain, canonical strings only."""
        return {
            "city": self.city,
            "period": self.period.label,
            "compare": self.compare.label,
            "edition": self.edition,
            "lang": self.lang,
            "data": str(self.data),
            "targets": "" if self.targets is None else str(self.targets),
        }

    @property
    def file_stem(self) -> str:
        """``<city>-<period>[-<lang>]``: the language is added when it is not Chinese.

        The city part is :func:`safe_file_name` of the city, so that any city name
        gives one file inside the output folder.
        """
        stem = f"{safe_file_name(self.city)}-{self.period.slug}"
        return stem if self.lang == LANGS[0] else f"{stem}-{self.lang}"


def validate_params(
    city: str,
    period: str,
    compare: str = "",
    edition: str = "auto",
    lang: str = "zh",
    data: str | Path = "",
    targets: str | Path = "",
) -> ReportParams:
    """Check every report parameter and return them parsed.

    Parameters
    ----------
    city : str
        A city of the data folder's station list (``stations`` table, column ``city``).
    period : str
        See :func:`parse_period`.
    compare : str
        Comparison period; ``""`` means the same period one year earlier.
    edition : str
        ``"auto"`` (the HJ 633 edition in force on each day) or an HJ 633 edition name.
    lang : str
        ``"zh"`` or ``"en"``.
    data : str or Path
        Data folder with the contract's tables (``stations``, ``station_hours``, ...);
        ``""`` means the demo folder ``data/demo``.
    targets : str or Path
        Targets file (TOML, :func:`indicators.targets.read_targets`); ``""``: the demo
        targets for the demo data, none otherwise.

    Returns
    -------
    ReportParams

    Raises
    ------
    IndicatorInputError
        Naming the parameter, what is expected and what was found; an unknown
        city lists the known ones.

    Examples
    --------
    >>> validate_params("清河市", "2026", lang="fr")
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: column 'lang': unknown report language (expected ...)
    """
    from ..config import demo_dir

    if lang not in LANGS:
        raise IndicatorInputError(
            "unknown report language", column="lang", expected=f"one of {LANGS}", found=lang
        )
    per = parse_period(period)
    cmp = year_earlier(per) if compare in ("", None) else parse_period(compare, column="compare")
    if not isinstance(edition, str):
        raise IndicatorInputError("not a string", column="edition", found=edition)
    edition = resolve_edition("HJ 633", edition)
    folder = demo_dir() if data in ("", None) else _folder(str(data), "data")
    cities = known_cities(folder)
    _check_text(city, "city")
    if city not in cities:
        raise IndicatorInputError(
            "unknown city",
            file=str(contract.table_file(folder, "stations")),
            column="city",
            expected=f"one of {cities}",
            found=city,
        )
    target_path = None
    if targets not in ("", None):
        target_path = Path(_check_text(str(targets), "targets")).expanduser().resolve()
        if not target_path.is_file():
            raise IndicatorInputError("no such file", column="targets", found=str(targets))
    return ReportParams(city, per, cmp, edition, lang, folder.resolve(), target_path)
