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

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .. import contract
from ..errors import IndicatorInputError
from ..periods import PERIOD_FORMS, Period, parse_period, year_earlier
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
    period : str or int
        See :func:`parse_period`; a year may be a number (``papermill -p period 2026``).
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
        Targets file (TOML, :func:`indicators.targets.read_targets`); ``""``: the data
        folder's ``targets`` table when it has one, else the demo targets for the demo
        data, none otherwise.

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
    # papermill -p period 2026 passes the number 2026: a year number is read as its text
    period, compare = (
        str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in (period, compare)
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
