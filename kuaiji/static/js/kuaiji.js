// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A submit button that needs a box ticked first (the registration agreement).
  function wireRequiredCheckbox() {
    document.querySelectorAll("[data-requires-checkbox]").forEach(function (button) {
      var box = document.getElementById(button.getAttribute("data-requires-checkbox"));
      if (!box) return;
      var sync = function () { button.disabled = !box.checked; };
      box.addEventListener("change", sync);
      sync();
    });
  }

  // 看不清，换一张: fetch a new picture captcha without reloading the page.
  function wireCaptchaRefresh() {
    document.querySelectorAll("[data-captcha-refresh]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var row = link.closest(".captcha-row");
        fetch(link.getAttribute("data-captcha-refresh"), { headers: { "X-Requested-With": "XMLHttpRequest" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            row.querySelector("img").src = data.image_url;
            row.querySelector("input[type=hidden]").value = data.key;
            var answer = row.querySelector("input[type=text]");
            answer.value = "";
            answer.focus();
          });
      });
    });
  }

  // The SMS button counts down the seconds until another code may be asked for.
  function wireCountdown() {
    document.querySelectorAll("[data-wait-seconds]").forEach(function (button) {
      var remaining = parseInt(button.getAttribute("data-wait-seconds"), 10);
      if (!(remaining > 0)) return;
      var label = button.textContent;
      button.disabled = true;
      var tick = function () {
        if (remaining <= 0) { button.disabled = false; button.textContent = label; return; }
        button.textContent = remaining + " 秒后可重新获取";
        remaining -= 1;
        setTimeout(tick, 1000);
      };
      tick();
    });
  }

  // Focus the error summary so screen readers announce it.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireRequiredCheckbox();
    wireCaptchaRefresh();
    wireCountdown();
    focusErrorSummary();
  });
})();
