// Draws the report's charts offline: plotly.js is embedded gzip-compressed (base64).
(function () {
  "use strict";
  var root = document.documentElement;
  function fail(message) {
    root.setAttribute("data-charts", "error");
    var box = document.getElementById("ind-chart-status");
    box.textContent = box.getAttribute("data-text") + " (" + message + ")";
    box.hidden = false;
  }
  function drawAll() {
    var jobs = [];
    document.querySelectorAll("script.ind-figure-data").forEach(function (node) {
      var fig = JSON.parse(node.textContent);
      var config = {responsive: true, displaylogo: false};
      jobs.push(Plotly.newPlot(node.getAttribute("data-div"), fig.data, fig.layout, config));
    });
    return Promise.all(jobs);
  }
  try {
    if (typeof DecompressionStream === "undefined") { throw new Error("DecompressionStream"); }
    var text = atob(document.getElementById("ind-plotlyjs").textContent);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(function (code) {
      var script = document.createElement("script");
      script.text = code;
      document.head.appendChild(script);
      return drawAll();
    }).then(function () { root.setAttribute("data-charts", "ready"); },
            function (err) { fail(String(err)); });
  } catch (err) { fail(String(err)); }
})();
