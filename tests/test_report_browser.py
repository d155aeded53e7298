"""A rendered city report in headless Chromium, from disk, with the network off.

Checks that every chart is drawn, that no JavaScript error occurs, that the page
fetches nothing but itself, and that a station named ``<script>alert(1)</script>``
is shown as text and never runs. A screenshot of the first screen is taken (under
pytest's temporary folder: tests never write into the repository). Needs Debian's
``chromium`` (``.ci/run`` installs it): skipped locally without it, a failure in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from indicators.demo import write_demo
from indicators.report import render_report, validate_params

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script>"

#: Runs first in the page: records errors, dialogs and fetched resources, then writes
#: them into the DOM once the report says its charts are drawn (or failed).
HARNESS = """<script id="test-harness">
(function () {
  var log = {errors: [], dialogs: []};
  window.addEventListener("error", function (e) { log.errors.push(String(e.message || e)); });
  window.addEventListener("unhandledrejection", function (e) {
    log.errors.push("unhandled rejection: " + String(e.reason));
  });
  var consoleError = console.error;
  console.error = function () {
    log.errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    consoleError.apply(console, arguments);
  };
  ["alert", "confirm", "prompt"].forEach(function (name) {
    window[name] = function (message) { log.dialogs.push(name + ": " + message); };
  });
  function report() {
    var charts = Array.prototype.map.call(document.querySelectorAll(".plotly-graph-div"),
      function (div) {
        return {id: div.id, svgs: div.querySelectorAll("svg.main-svg").length,
                marks: div.querySelectorAll("g.trace, g.hm, g.slice, g.heatmaplayer image").length};
      });
    var scripts = Array.prototype.filter.call(document.scripts, function (s) {
      return s.id !== "test-harness" && (!s.type || s.type === "text/javascript") &&
             s.text.indexOf("alert(") >= 0;
    }).length;
    var out = document.createElement("pre");
    out.id = "test-result";
    out.textContent = JSON.stringify({
      state: document.documentElement.getAttribute("data-charts"), charts: charts,
      errors: log.errors, dialogs: log.dialogs, executable_alert_scripts: scripts,
      text_shown: document.body.innerText.indexOf("<script>alert(1)<\\/script>") >= 0,
      resources: performance.getEntriesByType("resource").map(function (e) { return e.name; })
    });
    document.body.appendChild(out);
  }
  new MutationObserver(function () {
    var state = document.documentElement.getAttribute("data-charts");
    if (state === "ready" || state === "error") { report(); }
  }).observe(document.documentElement, {attributes: true, attributeFilter: ["data-charts"]});
})();
</script>"""


def _chromium() -> str:
    exe = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    if exe is None:
        msg = "headless Chromium not found (Debian: apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


def _command(exe: str, profile: Path, *extra: str) -> list[str]:
    """Headless with the network off: no host resolves, every request goes to a dead proxy."""
    return [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        f"--user-data-dir={profile}",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=30000",
        *extra,
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    write_demo(data)
    stations = pl.read_parquet(data / "stations.parquet")
    first = stations.filter(city="清河市")["station"][0]
    stations.with_columns(
        name=pl.when(pl.col("station") == first).then(pl.lit(XSS)).otherwise("name")
    ).write_parquet(data / "stations.parquet")
    params = validate_params("清河市", "2026-03", data=data)
    return render_report(params, tmp_path_factory.mktemp("reports")).path


def test_report_in_headless_chromium(report: Path, tmp_path: Path):
    exe = _chromium()
    page = report.read_text(encoding="utf-8")
    assert XSS not in page  # escaped in the file itself
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("<head>", "<head>" + HARNESS, 1), encoding="utf-8")
    shot = tmp_path / f"{report.stem}.png"
    dump = subprocess.Popen(
        _command(exe, tmp_path / "p1", "--dump-dom", probe.as_uri()),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    screenshot = subprocess.Popen(
        _command(
            exe, tmp_path / "p2", "--window-size=1280,900", f"--screenshot={shot}", report.as_uri()
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    dom, _ = dump.communicate(timeout=180)
    screenshot.wait(timeout=180)
    found = re.search(r'<pre id="test-result">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the page never reported its charts drawn (data-charts stayed 'pending')"
    result = json.loads(
        found[1]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert result["state"] == "ready"
    assert result["errors"] == []
    assert result["dialogs"] == []  # alert(1) never ran
    assert result["executable_alert_scripts"] == 0
    assert result["text_shown"]  # the station name is on the page, as text
    # one chart per figure of the report, each with an SVG and drawn marks
    assert len(result["charts"]) == page.count('class="plotly-graph-div"') >= 5
    for chart in result["charts"]:
        assert chart["svgs"] > 0 and chart["marks"] > 0, chart
    # nothing fetched but the file itself (and data:/blob: URLs it makes)
    assert all(url.startswith(("file:", "data:", "blob:")) for url in result["resources"])
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_report_prints_to_an_a4_pdf(report: Path, tmp_path: Path):
    """``indicators report --pdf``: headless Chromium prints the report, charts drawn, A4."""
    import re

    from indicators.report.render import write_pdf

    _chromium()  # skipped locally without Chromium, a failure in CI
    pdf = write_pdf(report, tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert 4 <= pages <= 30, pages
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    sizes = {tuple(sorted(round(float(x)) for x in box)) for box in boxes}
    assert sizes == {(595, 842)}  # A4, portrait or landscape
    portrait = [float(w) < float(h) for w, h in boxes]
    # the ledger of black-odorous water bodies (17 columns) prints on a landscape page
    assert portrait[0] and portrait.count(False) >= 1
