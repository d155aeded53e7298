"""The project's one error type, and the warning for results that need attention."""

from __future__ import annotations

from typing import Any

__all__ = ["IndicatorInputError", "IndicatorWarning"]


class IndicatorInputError(ValueError):
    """Bad input: names where it is, what was expected and what was found.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str, optional
        The file (or frame argument) the value came from.
    row : int, optional
        1-based data row (header excluded) where the value is.
    column : str, optional
        Column name.
    expected : str, optional
        What a valid value looks like.
    found : Any, optional
        The value found.

    Examples
    --------
    >>> err = IndicatorInputError("negative concentration", file="a.csv", row=3,
    ...                           column="PM2.5", expected=">= 0", found=-1.0)
    >>> str(err)
    "a.csv, row 3, column 'PM2.5': negative concentration (expected >= 0, found -1.0)"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        found: Any = None,
    ) -> None:
        self.file, self.row, self.column = file, row, column
        self.expected, self.found = expected, found
        where = ", ".join(
            part
            for part in (
                str(file) if file is not None else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column is not None else "",
            )
            if part
        )
        detail = ", ".join(
            part
            for part in (
                f"expected {expected}" if expected is not None else "",
                f"found {found!r}" if found is not None else "",
            )
            if part
        )
        text = message
        if where:
            text = f"{where}: {text}"
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text)


class IndicatorWarning(UserWarning):
    """A result was computed but needs the user's attention (capped, incomplete, assumed)."""
