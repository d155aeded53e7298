"""Render many city reports in parallel and write ``reports/index.html``.

Each city runs in a worker process (and its own kernel): a local process pool, or
the workers of a Dask distributed cluster (``scheduler=``: ``"local"`` starts a
``LocalCluster``, ``"tcp://host:8786"`` uses a running one whose workers have the
package and reach the data folder on a shared path). A failing city never stops
the others. The figures of every city are computed once, before the workers
start (:func:`indicators.figures.city_evaluations`); each report reads them. The
index links every published report and ranks the cities by composite index and
good-day ratio (the figures store's ranks, :func:`indicators.figures.city_ranks`);
its figures are read back from the reports themselves
(:func:`indicators.report.read_report_figures`). With ``xlsx=True`` each report
and the index also get an Excel workbook (:mod:`indicators.report.xlsx`).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from .. import figures
from ..errors import IndicatorInputError
from ..glossary import INDICATORS
from .display import Markup, html_table, render_fragment
from .embedded import headline_by_key, read_report_figures
from .labels import label
from .params import ReportParams, validate_params
from .render import (
    FONT_STACK,
    ReportResult,
    atomic_write,
    describe_failure,
    output_folder,
    render_report,
    template_text,
)

__all__ = ["BatchResult", "index_rows", "render_batch", "write_index"]


@dataclass
class BatchResult:
    """What a batch published and what failed (city -> one-line reason)."""

    results: list[ReportResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every city was published."""
        return not self.failures


def _render_one(params: ReportParams, out_dir: Path) -> ReportResult:
    """One report in a batch worker, in the worker's warm kernel (started once per worker)."""
    return render_report(params, out_dir, reuse_kernel=True)


def render_batch(
    cities: list[str],
    period: str,
    *,
    compare: str = "",
    edition: str = "auto",
    lang: str = "zh",
    data: str | Path = "",
    targets: str | Path = "",
    out_dir: str | Path | None = None,
    workers: int | None = None,
    progress: bool = True,
    check: bool = True,
    scheduler: str | None = None,
    xlsx: bool = False,
) -> BatchResult:
    """Render the report of each city in parallel worker processes; write the index.

    Parameters
    ----------
    cities : list of str
        Cities of the data folder; every one is checked before anything runs.
    period, compare, edition, lang, data, targets
        As for :func:`indicators.report.render_city_report`, the same for every city.
    out_dir : path, optional
        Default ``reports/``.
    workers : int, optional
        Worker processes; default the number of CPUs (at most the number of cities).
    progress : bool
        Show a progress bar (rich) on the terminal.
    check : bool
        Check the data folder first (:func:`indicators.check.require_valid_folder`);
        the CLI, which has checked it already, passes False.
    scheduler : str, optional
        None: a local process pool of ``workers``; ``"local"``: a Dask
        ``LocalCluster`` of ``workers`` single-threaded worker processes; else the
        address of a Dask scheduler (``tcp://host:8786``) whose workers run the
        reports (they need the package and the data folder and ``out_dir`` on the
        same paths).
    xlsx : bool
        Also write each report's Excel workbook beside its HTML and ``index.xlsx``
        beside the index (:mod:`indicators.report.xlsx`); a workbook that cannot be
        written is listed as a failure of its city.

    Returns
    -------
    BatchResult
        Published reports, failures (city -> reason) and the index path.

    Raises
    ------
    IndicatorInputError
        A parameter or a city is invalid, or the data folder fails its checks
        (nothing was run).
    """
    from ..check import require_valid_folder

    if scheduler is not None and scheduler != "local" and "://" not in scheduler:
        raise IndicatorInputError(
            "unknown scheduler",
            column="--scheduler",
            expected="'local' or a Dask scheduler address such as tcp://host:8786",
            found=scheduler,
        )
    cities = list(dict.fromkeys(cities))  # a city named twice is rendered once
    all_params = [validate_params(c, period, compare, edition, lang, data, targets) for c in cities]
    if check:
        require_valid_folder(all_params[0].data)
    out = output_folder(out_dir)
    first = all_params[0]
    # every city's evaluations once, before the workers start: each report reads them
    ranks = None
    try:
        stored = figures.compute(first.data, first.period, first.compare, first.edition)
        evaluations = stored["period"][2]
        ranks = None if evaluations is None else evaluations.ranks
    except IndicatorInputError:
        pass  # each report then meets the same error and names it as its failure
    n = max(1, min(workers or os.cpu_count() or 1, len(all_params)))
    batch = BatchResult()
    with _progress(progress) as bar:
        task = bar.add_task(label("batch_progress", lang, period=period), total=len(cities))

        def done(p: ReportParams, future: Any) -> None:
            try:
                batch.results.append(future.result())
            except Exception as exc:  # one city's failure must not stop the others
                batch.failures[p.city] = describe_failure(exc)
            bar.advance(task)

        if scheduler is None:
            _run_pool(all_params, out, n, done)
        else:
            _run_dask(all_params, out, n, scheduler, done)
    order = {c: i for i, c in enumerate(cities)}
    batch.results.sort(key=lambda r: order[r.params.city])
    if xlsx:
        from .xlsx import write_report_xlsx

        for r in batch.results:
            try:
                write_report_xlsx(r.path)
            except Exception as exc:  # the report stands; its workbook is the failure
                batch.failures[r.params.city] = f"xlsx: {describe_failure(exc)}"
    batch.index = write_index(
        batch, out, lang=lang, period=all_params[0].period.display(lang), ranks=ranks, xlsx=xlsx
    )
    return batch


def _run_pool(all_params: list[ReportParams], out: Path, n: int, done: Any) -> None:
    """Render in ``n`` local worker processes; ``done(params, future)`` as each finishes."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
        futures = {pool.submit(_render_one, p, out): p for p in all_params}
        for future in as_completed(futures):
            done(futures[future], future)


def _run_dask(all_params: list[ReportParams], out: Path, n: int, scheduler: str, done: Any) -> None:
    """Render as tasks of a Dask distributed cluster; ``done(params, future)`` as each ends.

    Raises
    ------
    IndicatorInputError
        When the scheduler cannot be reached (nothing was rendered).
    """
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise IndicatorInputError(
            "cannot reach the Dask scheduler",
            column="--scheduler",
            expected="'local' or the address of a running scheduler (tcp://host:8786)",
            found=f"{scheduler} ({exc})",
        ) from None
    try:
        futures = {
            client.submit(_render_one, p, out, key=f"report-{p.file_stem}", pure=False): p
            for p in all_params
        }
        for future in dask_completed(futures):
            done(futures[future], future)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def advance(self, *args: Any) -> None:
        return None


def _progress(show: bool) -> Any:
    if not show:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


_INDEX_TEXT = {
    "title": ("城市报告索引", "City reports"),
    "city": ("城市", "City"),
    "report": ("报告", "Report"),
    "rank_ci": ("综合指数排名", "Rank (composite index)"),
    "rank_gdr": ("优良天数比例排名", "Rank (good-day ratio)"),
    "failed": ("未生成的报告", "Reports not published"),
    "open": ("打开", "open"),
}


def _t(key: str, lang: str) -> str:
    return _INDEX_TEXT[key][0 if lang == "zh" else 1]


def _heading(key: str, lang: str) -> str:
    """Column heading of an indicator: its label and printed unit (glossary.INDICATORS)."""
    symbol = INDICATORS[key].symbol
    return f"{label(key, lang)} [{symbol}]" if symbol else label(key, lang)


def index_rows(batch: BatchResult, *, lang: str, ranks: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows of the batch index, one per published report, in index order.

    Each report's figures are read back from its HTML
    (:func:`indicators.report.read_report_figures`: the values its cards show); the
    ranks are the figures store's (:func:`indicators.figures.city_ranks`).

    Parameters
    ----------
    batch : BatchResult
        The published reports.
    lang : {"zh", "en"}
        Language of the rank texts (``rank_ci``, ``rank_gdr``: "3 (tied)").
    ranks : polars.DataFrame, optional
        The ``ranks`` table of the figures store; without it the ranks are null.

    Returns
    -------
    polars.DataFrame
        ``city``, ``file``, ``composite_index``, ``good_day_ratio``, ``PM2.5``,
        ``composite_index_rank``, ``composite_index_tied``, ``good_day_ratio_rank``,
        ``good_day_ratio_tied``, ``rank_ci`` and ``rank_gdr``, by composite-index rank.
    """
    keys = ("composite_index", "good_day_ratio", "PM2.5")
    rows = []
    for r in batch.results:
        cards = headline_by_key(read_report_figures(r.path))
        rows.append(
            {"city": r.params.city, "file": r.path.name}
            | {k: _num(cards.get(k, {}).get("value")) for k in keys}
        )
    schema = {"city": pl.String, "file": pl.String} | dict.fromkeys(keys, pl.Float64)
    frame = pl.DataFrame(rows, schema=schema)
    tied = label("tied", lang)

    def rank_label(name: str) -> pl.Expr:
        rank = pl.col(f"{name}_rank")
        text = rank.cast(pl.String) + pl.when(pl.col(f"{name}_tied")).then(pl.lit(tied))
        return pl.coalesce(text, rank.cast(pl.String), pl.lit("—"))

    rank_columns = [
        f"{n}_{s}" for n in ("composite_index", "good_day_ratio") for s in ("rank", "tied")
    ]
    if ranks is not None and set(rank_columns) <= set(ranks.columns):
        frame = frame.join(
            ranks.select(
                "city",
                *rank_columns,
                rank_ci=rank_label("composite_index"),
                rank_gdr=rank_label("good_day_ratio"),
            ),
            on="city",
            how="left",
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Boolean if c.endswith("tied") else pl.Int64).alias(c)
            for c in rank_columns
        )
    return frame.with_columns(
        pl.col(c).fill_null("—") if c in frame.columns else pl.lit("—").alias(c)
        for c in ("rank_ci", "rank_gdr")
    ).sort("composite_index_rank", "city", nulls_last=True)


def write_index(
    batch: BatchResult,
    out_dir: Path,
    *,
    lang: str,
    period: str,
    ranks: pl.DataFrame | None = None,
    xlsx: bool = False,
) -> Path:
    """Write ``<out_dir>/index.html``: a ranked summary table linking every report.

    The ranks are the figures store's (:func:`indicators.figures.city_ranks`: every
    city of the data folder by composite index, lower first, and by good-day ratio,
    higher first; ties share a rank), the ranks each report shows; the cities are
    listed by composite-index rank, with the figures each report embeds
    (:func:`index_rows`). Failed cities are listed below the table. Every name is
    escaped.

    Parameters
    ----------
    batch : BatchResult
        The published reports and the failures of the batch.
    out_dir : Path
        Folder of the reports; the index is written there.
    lang : {"zh", "en"}
        Label language.
    period : str
        Period label shown in the title (``"2026"``, ``"2026-03"`` ...).
    ranks : polars.DataFrame, optional
        The ``ranks`` table of the figures store; without it the rank columns are
        empty ("—").
    xlsx : bool
        Also write the same rows to ``<out_dir>/index.xlsx``
        (:func:`indicators.report.xlsx.write_index_xlsx`).

    Returns
    -------
    Path
        The index file.
    """
    from urllib.parse import quote

    frame = index_rows(batch, lang=lang, ranks=ranks)
    table = html_table(
        frame,
        {
            "rank_ci": _t("rank_ci", lang),
            "city": _t("city", lang),
            "composite_index": _heading("composite_index", lang),
            "good_day_ratio": _heading("good_day_ratio", lang),
            "rank_gdr": _t("rank_gdr", lang),
            "PM2.5": _heading("PM2.5", lang),
            "file": _t("report", lang),
        },
        links={"file": lambda row: quote(row["file"])},
    )
    page = render_fragment(
        "index.html.j2",
        lang=lang,
        title=f"{_t('title', lang)} · {period}",
        font=Markup(FONT_STACK),  # the package's own CSS, not data
        css=Markup(template_text("index.css")),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        table=table,
        failures=list(batch.failures.items()),
        failed_heading=_t("failed", lang),
    )
    path = out_dir / "index.html"
    atomic_write(path, page)
    if xlsx:
        from .xlsx import write_index_xlsx

        write_index_xlsx(frame.to_dicts(), batch.failures, out_dir / "index.xlsx")
    return path


def _num(value: Any) -> float | None:
    return None if value is None else float(value)
