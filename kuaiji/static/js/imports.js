// The import page's progress bar: polls the batch's progress while it is checked or imported, and
// reloads the page once the step is over (the counts and the problem lines come with the page).
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar) return;
  var state = bar.getAttribute("data-state");
  if (state !== "checking" && state !== "importing") return;
  var text = document.getElementById("import-progress-text");
  var label = document.getElementById("import-state-label");

  function describe(p) {
    var parts = [];
    if (p.state === "checking") parts.push("已检查 " + p.done + " 行");
    else parts.push("已导入 " + p.done + " / " + p.total + " 行（" + p.percent + "%）");
    if (p.rows_per_second) parts.push("每秒约 " + p.rows_per_second + " 行");
    if (p.seconds_left !== null && p.seconds_left !== undefined) parts.push("预计还需 " + p.seconds_left + " 秒");
    return parts.join("，");
  }

  function poll() {
    fetch(bar.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { window.setTimeout(poll, 5000); return; }
        if (p.state !== state || p.stalled) { window.location.reload(); return; }
        bar.value = p.state === "checking" ? Math.min(99, bar.value + 5) : p.percent;
        bar.textContent = p.percent + "%";
        text.textContent = describe(p);
        label.textContent = p.state_label;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
