// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A submit button that needs a box ticked first (the registration agreement); a hint beside it
  // says why it cannot be pressed yet.
  function wireRequiredCheckbox() {
    document.querySelectorAll("[data-requires-checkbox]").forEach(function (button) {
      var box = document.getElementById(button.getAttribute("data-requires-checkbox"));
      if (!box) return;
      var hint = document.createElement("p");
      hint.className = "hint";
      hint.id = box.id + "_needed";
      hint.textContent = "请先勾选上方的同意协议";
      button.insertAdjacentElement("afterend", hint);
      button.setAttribute("aria-describedby", hint.id);
      var sync = function () {
        button.disabled = !box.checked;
        hint.hidden = box.checked;
      };
      box.addEventListener("change", sync);
      sync();
    });
  }

  // Error summary links: focus the field and bring its label into view (a plain #anchor would scroll
  // the input to the top edge, hiding its label, and leave the focus behind).
  function wireErrorSummaryLinks() {
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var input = document.getElementById(link.getAttribute("href").slice(1));
        if (!input) return;
        event.preventDefault();
        var group = input.closest(".field") || input;
        group.scrollIntoView();
        input.focus({ preventScroll: true });
      });
    });
  }

  // Uploads: show the chosen photo under the button before the form is sent.
  function wirePhotoPreview() {
    document.querySelectorAll("input[type=file][accept*='image']").forEach(function (input) {
      if (!window.URL || !URL.createObjectURL) return;
      input.addEventListener("change", function () {
        var preview = input.parentNode.querySelector(".upload-preview");
        var file = input.files && input.files[0];
        if (!file || !/^image\/(jpeg|png)$/.test(file.type)) {
          if (preview) preview.remove();
          return;
        }
        if (!preview) {
          preview = document.createElement("img");
          preview.className = "upload-preview";
          preview.alt = "所选照片预览";
          input.insertAdjacentElement("afterend", preview);
        } else {
          URL.revokeObjectURL(preview.src);
        }
        preview.src = URL.createObjectURL(file);
      });
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
    wireErrorSummaryLinks();
    wirePhotoPreview();
    wireCaptchaRefresh();
    wireCountdown();
    focusErrorSummary();
  });
})();
