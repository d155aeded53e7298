"""Run a report notebook and publish one self-contained HTML file.

The notebook runs with papermill under the project's own kernel
(:data:`KERNEL_NAME`): a kernel spec built here from the running Python
(``sys.executable``), so nothing depends on a kernel registered in the user's
Jupyter folders. The executed notebook is exported with nbconvert with every
input and prompt left out, into a page that

- embeds plotly.js exactly once (gzip-compressed, base64; the browser inflates
  it with ``DecompressionStream``) and draws every figure from its JSON;
- loads nothing from the network (no CDN: no require.js, MathJax or fonts);
- uses a system font stack that has Chinese glyphs on Windows, macOS and Linux.

A cell error publishes nothing: the executed notebook is kept beside the target
as ``<name>.executed.ipynb`` and :class:`ReportError` names the cell. The HTML is
written to a temporary file in the same folder and renamed, so no half-written
file ever has the final name.
"""

from __future__ import annotations

import atexit
import base64
import gzip
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .. import contract
from ..errors import IndicatorInputError, IndicatorWarning
from .display import FONT_STACK, METADATA_KEY
from .labels import label
from .params import ReportParams, validate_params

__all__ = [
    "KERNEL_NAME",
    "ReportError",
    "ReportResult",
    "atomic_write",
    "export_html",
    "notebook_path",
    "output_folder",
    "render_city_report",
    "render_report",
]

#: Name of the project's kernel (resolved in-process, never from the Jupyter search path).
KERNEL_NAME = "indicators"

#: Tags of notebook cells left out of the exported page.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "report-hide"})


class ReportError(RuntimeError):
    """A report could not be rendered; nothing was published.

    Attributes
    ----------
    notebook : Path or None
        The executed notebook kept for diagnosis.
    cell_index : int or None
        0-based index of the failing cell in the executed notebook.
    cell_id : str or None
        The failing cell's id (the notebooks name their cells after the section).
    ename, evalue : str or None
        Exception type and message raised in the cell.
    """

    def __init__(
        self,
        message: str,
        *,
        notebook: Path | None = None,
        cell_index: int | None = None,
        cell_id: str | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.notebook, self.cell_index, self.cell_id = notebook, cell_index, cell_id
        self.ename, self.evalue = ename, evalue


@dataclass
class ReportResult:
    """A published report: where it is, what it says on top, and what it cost."""

    params: ReportParams
    path: Path
    headline: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def size(self) -> int:
        """Size of the HTML file in bytes."""
        return self.path.stat().st_size


def notebook_path(name: str = "city_report") -> Path:
    """The notebook ``<name>.ipynb``: package data first, else the project's ``notebooks/``.

    The notebooks the report machinery executes (``city_report``) are package
    data of :mod:`indicators.report` (``indicators/report/notebooks/``, found
    with :mod:`importlib.resources`), so an installed wheel has them. Other
    notebooks (the analysts' ``explore_air``) are looked for in ``notebooks/``
    of the project root (:func:`indicators.config.project_root`,
    ``$INDICATORS_HOME``), then of the source tree of an editable install.

    Raises
    ------
    IndicatorInputError
        When the notebook is in none of these places.

    Examples
    --------
    >>> notebook_path("city_report").parent.name
    'notebooks'
    >>> notebook_path("city_report").parent.parent.name
    'report'
    """
    from importlib import resources

    from ..config import project_root

    packaged = resources.files("indicators.report").joinpath("notebooks", f"{name}.ipynb")
    if packaged.is_file():
        return Path(str(packaged))
    candidates = [project_root() / "notebooks", Path(__file__).resolve().parents[3] / "notebooks"]
    for folder in candidates:
        if (folder / f"{name}.ipynb").is_file():
            return folder / f"{name}.ipynb"
    raise IndicatorInputError(
        "report notebook not found",
        file=f"{name}.ipynb",
        expected=f"package data indicators/report/notebooks/ or in one of "
        f"{[str(c) for c in candidates]}",
    )


def output_folder(out_dir: str | Path | None = None) -> Path:
    """The folder reports are written to, created when missing.

    Parameters
    ----------
    out_dir : path, optional
        Default ``reports/`` under the project root.

    Raises
    ------
    IndicatorInputError
        When ``out_dir`` (or one of its parents) is an existing file, or the
        folder cannot be created.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     output_folder(f.name)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: ..., column 'out': not a folder (expected an output ...
    """
    from ..config import reports_dir

    out = Path(out_dir) if out_dir is not None else reports_dir()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise IndicatorInputError(
            "not a folder",
            file=str(out),
            column="out",
            expected="an output folder (or a path that does not exist yet), not a file",
            found="an existing file",
        ) from None
    except OSError as exc:
        raise IndicatorInputError(
            "cannot create the output folder",
            file=str(out),
            column="out",
            found=f"{type(exc).__name__}: {exc.strerror or exc}",
        ) from None
    return out


# --------------------------------------------------------------------------- kernel


def kernel_classes() -> tuple[type, type]:
    """The kernel spec manager and kernel manager classes of the project's kernel (papermill).

    Returns
    -------
    tuple of type
        ``(KernelSpecManager subclass, AsyncKernelManager subclass)`` that run
        notebooks in the Python running this code, whatever kernels are installed.
    """
    from ipykernel.kernelspec import RESOURCES
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ProjectKernelSpecManager(KernelSpecManager):
        """Knows one kernel: :data:`KERNEL_NAME`, the Python running this code."""

        def find_kernel_specs(self) -> dict[str, str]:
            return {KERNEL_NAME: RESOURCES}

        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            if kernel_name != KERNEL_NAME:
                raise NoSuchKernel(kernel_name)
            return KernelSpec(
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.log_level=ERROR",
                ],
                display_name=f"indicators ({sys.executable})",
                language="python",
                resource_dir=RESOURCES,
                metadata={"debugger": False},
            )

    class ProjectKernelManager(AsyncKernelManager):
        """Starts the project's kernel whatever the user's Jupyter folders hold."""

        @default("kernel_spec_manager")
        def _project_spec_manager(self) -> KernelSpecManager:
            return ProjectKernelSpecManager()

    return ProjectKernelSpecManager, ProjectKernelManager


def _check_injectable(parameters: dict[str, str]) -> None:
    """Each value must be a plain string that papermill writes back as the same string."""
    import ast

    from papermill.translators import PythonTranslator

    for name, value in parameters.items():
        literal = PythonTranslator.translate(value)
        if not isinstance(value, str) or ast.literal_eval(literal) != value:
            raise IndicatorInputError(
                "parameter does not survive injection", column=name, found=value
            )


def _failed_cell_id(nb: Any) -> str | None:
    """Id of the first cell with an error output (papermill adds a marker cell above it)."""
    for cell in nb.cells:
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return cell.get("id")
    return None


#: The warm kernel of this process (``execute(reuse_kernel=True)``), by working folder.
_WARM_KERNELS: dict[str | None, Any] = {}


def _warm_kernel(cwd: str | None) -> Any:
    """A started kernel manager kept for this process; started again if it died."""
    from jupyter_core.utils import run_sync

    km = _WARM_KERNELS.get(cwd)
    if km is not None and run_sync(km.is_alive)():
        return km
    _, manager = kernel_classes()
    km = manager(kernel_name=KERNEL_NAME)
    run_sync(km.start_kernel)(cwd=cwd)
    _WARM_KERNELS[cwd] = km
    atexit.register(_discard_kernel, cwd)
    return km


def _discard_kernel(cwd: str | None) -> None:
    """Shut the warm kernel down (after a failure, or when the process ends)."""
    from jupyter_core.utils import run_sync

    km = _WARM_KERNELS.pop(cwd, None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already dead: nothing to shut down
            pass


def _papermill(
    params: ReportParams, executed: Path, notebook: str, timeout: int, reuse_kernel: bool
) -> Any:
    """The papermill run of :func:`execute` (its errors as papermill raises them)."""
    import nbformat
    import papermill

    from ..config import project_root

    parameters = params.notebook_parameters()
    _check_injectable(parameters)
    _, manager = kernel_classes()
    cwd = str(project_root()) if project_root().is_dir() else None
    source: Any = str(notebook_path(notebook))
    extra: dict[str, Any] = {"kernel_manager_class": manager}
    if reuse_kernel:
        source = nbformat.read(source, as_version=4)
        reset = nbformat.v4.new_code_cell("%reset -f", metadata={"tags": ["report-hide"]})
        source.cells.insert(0, reset)
        extra = {"km": _warm_kernel(cwd)}
    try:
        nb = papermill.execute_notebook(
            source,
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            cwd=cwd,
            execution_timeout=timeout,
            shutdown_kernel="immediate",
            request_save_on_cell_execute=False,
            **extra,
        )
    except BaseException:
        if reuse_kernel:  # a failed, timed-out or interrupted run: the next one starts afresh
            _discard_kernel(cwd)
        raise
    return nb


def execute(
    params: ReportParams,
    executed: Path,
    *,
    notebook: str = "city_report",
    timeout: int = 900,
    reuse_kernel: bool = False,
) -> Any:
    """Run the notebook with ``params`` under the project's kernel; return the executed notebook.

    The executed notebook is written to ``executed`` when the run ends or a cell fails
    (not after each cell: writing a notebook of plotly figures twice per cell cost a
    warm report about a fifth of its time).

    Parameters
    ----------
    params : ReportParams
        Checked parameters.
    executed : Path
        Where the executed notebook is written.
    notebook : str
        Name of a notebook of the package.
    timeout : int
        Seconds a cell may run.
    reuse_kernel : bool
        Run in this process's warm kernel (started on first use, its namespace
        cleared with ``%reset -f`` before each notebook) instead of a new one: a
        worker that renders many reports pays the kernel start and the imports
        once. After a failure the warm kernel is discarded.

    Raises
    ------
    ReportError
        When a cell fails, the kernel dies or a cell runs longer than ``timeout`` seconds.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    try:
        return _papermill(params, executed, notebook, timeout, reuse_kernel)
    except PapermillExecutionError as exc:
        cell_id = (
            _failed_cell_id(nbformat.read(executed, as_version=4)) if executed.is_file() else None
        )
        raise ReportError(
            f"{params.file_stem}: cell {exc.cell_index} ({cell_id}) failed: "
            f"{exc.ename}: {exc.evalue}. Executed notebook kept: {executed}",
            notebook=executed,
            cell_index=exc.cell_index,
            cell_id=cell_id,
            ename=exc.ename,
            evalue=exc.evalue,
        ) from exc
    except Exception as exc:  # kernel died, timeout, ...
        kept = f" Executed notebook kept: {executed}" if executed.is_file() else ""
        raise ReportError(
            f"{params.file_stem}: notebook run failed: {type(exc).__name__}: {exc}.{kept}",
            notebook=executed if executed.is_file() else None,
            ename=type(exc).__name__,
            evalue=str(exc),
        ) from exc


# --------------------------------------------------------------------------- export


@cache
def plotlyjs_gzip_base64() -> str:
    """plotly.js of the installed plotly package, gzip-compressed (mtime 0) and base64-encoded.

    >>> from plotly.offline import get_plotlyjs
    >>> gzip.decompress(base64.b64decode(plotlyjs_gzip_base64())).decode() == get_plotlyjs()
    True
    """
    from plotly.offline import get_plotlyjs

    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), 9, mtime=0)).decode()


_CHART_ERROR = {
    "zh": "图表无法显示：请使用较新的浏览器"
    "（Chrome/Edge 80、Firefox 113、Safari 16.4 及以上）打开本文件",
    "en": "Charts cannot be drawn: open this file with a recent browser "
    "(Chrome/Edge 80, Firefox 113, Safari 16.4 or later)",
}

_H2 = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.DOTALL)
_SEC_ID = re.compile(r'\bid="(sec-[A-Za-z0-9_-]+)"')
_NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot close its ``<style>`` element.

    Quotes, backslashes, ``<``, ``>`` and control characters become CSS escapes.

    Examples
    --------
    >>> css_string("甲市 2026年3月")
    '"甲市 2026年3月"'
    >>> "<" in css_string("</style><script>")
    False
    """
    out = []
    for ch in str(text):
        if ch in '"\\<>' or ord(ch) < 32:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@cache
def template_text(name: str) -> str:
    """A file of the report templates (``report/templates/``: page template, CSS, JS).

    Parameters
    ----------
    name : str
        File name, e.g. ``report.css``.

    Returns
    -------
    str
        Its text (UTF-8).
    """
    from importlib.resources import files

    return (files("indicators.report") / "templates" / name).read_text(encoding="utf-8")


def _toc(body: str, lang: str) -> str:
    """Insert a table of contents (links to every section heading) after the title block."""
    links = "".join(
        f'<a href="#{anchor[1]}">{m[2]}</a>'
        for m in _H2.finditer(body)
        if (anchor := _SEC_ID.search(m[1]))
    )
    nav = f'<nav class="ind-toc" aria-label="{label("contents", lang)}">{links}</nav>'
    return body.replace("<!--ind-toc-->", nav, 1)


@cache
def _exporter() -> Any:
    """The HTML exporter, built once per process (its templates compile in seconds)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"indicators_report.html.j2": template_text("report.html.j2")})],
        template_file="indicators_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS), enabled=True), enabled=True
    )
    return exporter


def export_html(nb: Any, *, lang: str, title: str) -> str:
    """The executed notebook as one self-contained HTML page (no inputs, no prompts).

    A city report's figures (its sections' metadata) are embedded as one JSON object
    in ``<script type="application/json" id="indicators-figures">``
    (:mod:`indicators.report.embedded`, which documents the schema).

    Raises
    ------
    ReportError
        When the page would reference anything on the network.
    """
    from .. import __version__
    from .embedded import figures_script, report_figures, section_metadata

    figures = report_figures(section_metadata(nb), version=__version__)
    exporter = _exporter()
    resources = {
        "ind": {
            "lang": lang,
            "title": title,
            "version": __version__,
            "font": FONT_STACK,
            "css": template_text("report.css"),
            "page_title": css_string(title),
            "loader": template_text("report.js"),
            "plotlyjs": plotlyjs_gzip_base64(),
            "chart_error": _CHART_ERROR[lang],
            "figures": figures_script(figures) if figures is not None else "",
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    page = _toc(body, lang)
    if m := _NETWORK.search(page):
        raise ReportError(
            f"the page would load from the network: {page[m.start() : m.end() + 60]!r}"
        )
    return page


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    contract.write_atomic(path, write)


_CJK = re.compile(r"[\u3400-\u9fff]")


def cjk_fonts() -> list[str] | None:
    """Families of the Chinese fonts fontconfig knows (None: no ``fc-list`` to ask)."""
    import shutil
    import subprocess

    fc = shutil.which("fc-list")
    if fc is None:
        return None
    done = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    return sorted({line.strip() for line in done.stdout.splitlines() if line.strip()})


def warn_without_cjk_font(html: Path) -> None:
    """Warn when a page with Chinese text would print on a machine without a Chinese font.

    Parameters
    ----------
    html : Path
        The report page about to be printed.
    """
    if not _CJK.search(html.read_text(encoding="utf-8")):
        return
    if cjk_fonts() == []:
        warnings.warn(
            f"{html.name}: no Chinese font on this machine (fc-list :lang=zh lists none): "
            "the PDF prints Chinese text as empty boxes; install one (Debian: apt-get "
            "install fonts-noto-cjk) and print again",
            IndicatorWarning,
            stacklevel=3,
        )


def write_pdf(html: str | Path, pdf: str | Path | None = None, *, timeout: int = 300) -> Path:
    """Print a report to PDF (A4) with headless Chromium, beside the HTML by default.

    The page is opened from disk with the network off; its charts are drawn
    before printing (a virtual-time budget), and the print style sheet keeps
    figures, cards and table rows whole and puts the city, period and page
    number in the page margins.

    Parameters
    ----------
    html : path
        A report written by :func:`render_report`.
    pdf : path, optional
        Where to write the PDF (default: the HTML path with ``.pdf``).
    timeout : int
        Seconds Chromium may take.

    Returns
    -------
    Path
        The PDF.

    Raises
    ------
    ReportError
        No Chromium on the machine (Debian: ``apt-get install chromium``), or it
        failed or wrote no PDF.

    Warns
    -----
    IndicatorWarning
        When the page has Chinese text and fontconfig lists no Chinese font: the PDF
        would print it as empty boxes (Debian: ``apt-get install fonts-noto-cjk``).
    """
    import shutil
    import subprocess
    import tempfile

    src = Path(html).resolve()
    warn_without_cjk_font(src)
    target = Path(pdf) if pdf is not None else src.with_suffix(".pdf")
    found = (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
    exe = next((e for e in found if e), None)
    if exe is None:
        raise ReportError("no Chromium to print the PDF with (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--proxy-server=http://127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=30000",
            "--run-all-compositor-stages-before-draw",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target.resolve()}",
            src.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise ReportError(
            f"{src}: Chromium could not print the PDF (exit {done.returncode}): "
            f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}"
        )
    return target


def headline_from(nb: Any) -> dict[str, Any]:
    """The headline figures a rendered notebook carries in its output metadata."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(METADATA_KEY, {})
            if meta.get("section") == "headline":
                return dict(meta.get("values", {}))
    return {}


def render_report(
    params: ReportParams,
    out_dir: str | Path | None = None,
    *,
    keep_notebook: bool = False,
    notebook: str = "city_report",
    reuse_kernel: bool = False,
) -> ReportResult:
    """Render one city report from checked parameters (see :func:`render_city_report`).

    ``reuse_kernel``: run in this process's warm kernel (:func:`execute`), as the
    batch workers do.

    Parameters
    ----------
    params : ReportParams
        Checked parameters (:func:`indicators.report.validate_params`).
    out_dir : path, optional
        Default ``reports/`` under the project root.
    keep_notebook : bool, default False
        Keep the executed notebook ``<name>.executed.ipynb`` beside the HTML (it is
        always kept when a cell fails).
    notebook : str, default "city_report"
        Name of the report notebook (:func:`notebook_path`).
    reuse_kernel : bool, default False
        Run in this process's warm kernel (:func:`execute`), as the batch workers
        do.
    """
    start = time.perf_counter()
    out = output_folder(out_dir)
    target = out / f"{params.file_stem}.html"
    executed = out / f"{params.file_stem}.executed.ipynb"
    nb = execute(params, executed, notebook=notebook, reuse_kernel=reuse_kernel)
    title = label("report_title", params.lang, city=params.city)
    title = f"{title} · {params.period.display(params.lang)}"
    atomic_write(target, export_html(nb, lang=params.lang, title=title))
    if not keep_notebook:
        executed.unlink(missing_ok=True)
    return ReportResult(params, target, headline_from(nb), time.perf_counter() - start)


def render_city_report(
    city: str,
    period: str,
    *,
    compare: str = "",
    edition: str = "auto",
    lang: str = "zh",
    data: str | Path = "",
    targets: str | Path = "",
    out_dir: str | Path | None = None,
    keep_notebook: bool = False,
) -> Path:
    """Render the city report to ``<out_dir>/<city>-<period>[-<lang>].html`` and return the path.

    Parameters
    ----------
    city, period, compare, edition, lang, data, targets
        Checked by :func:`indicators.report.params.validate_params` before anything runs.
    out_dir : path, optional
        Default ``reports/`` under the project root.
    keep_notebook : bool
        Keep the executed notebook ``<name>.executed.ipynb`` beside the HTML
        (it is always kept when a cell fails).

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    IndicatorInputError
        A parameter is invalid or the data folder fails its checks
        (:func:`indicators.check.require_valid_folder`; nothing was run).
    ReportError
        A cell failed (no HTML was written; the executed notebook names the cell).
    """
    from ..check import require_valid_folder

    params = validate_params(city, period, compare, edition, lang, data, targets)
    require_valid_folder(params.data)
    return render_report(params, out_dir, keep_notebook=keep_notebook).path


def describe_failure(exc: BaseException) -> str:
    """One line for a failed report (used by the CLI and the batch)."""
    if isinstance(exc, ReportError | IndicatorInputError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
