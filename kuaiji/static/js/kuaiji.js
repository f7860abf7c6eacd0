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
      hint.textContent = button.getAttribute("data-checkbox-hint") || "请先勾选上方的同意协议";
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
        var id = link.getAttribute("href").slice(1);
        var input = document.getElementById(id);
        // A field of several inputs (the region picker: id_x_0, id_x_1, …; the summary links to the
        // first): go to its first input still to be chosen.
        var group = document.getElementById(id + "-group") || document.getElementById(id.replace(/_0$/, "") + "-group");
        if (group && (!input || input.closest("[data-division-picker]"))) {
          input = Array.prototype.find.call(group.querySelectorAll("select, input"), function (control) {
            return !control.hidden && !control.value;
          }) || group.querySelector("select, input");
        }
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
            // A busy address gets a longer picture: the hint must give the new count.
            var hint = row.closest(".field") && row.closest(".field").querySelector(".hint");
            if (hint && data.length) hint.textContent = hint.textContent.replace(/\d+ 个字符/, data.length + " 个字符");
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


  // Province → prefecture → county: fill the next level as soon as one is chosen.
  function wireDivisionPickers() {
    document.querySelectorAll("[data-division-picker]").forEach(function (picker) {
      var selects = picker.querySelectorAll("select");
      var url = picker.getAttribute("data-children-url");
      selects.forEach(function (select, level) {
        select.addEventListener("change", function () {
          for (var i = level + 1; i < selects.length; i++) {
            selects[i].innerHTML = "";
            selects[i].hidden = true;
          }
          if (!select.value || level + 1 >= selects.length) { picker.dispatchEvent(new Event("division-change", { bubbles: true })); return; }
          fetch(url + "?parent=" + encodeURIComponent(select.value))
            .then(function (response) { return response.json(); })
            .then(function (data) {
              var next = selects[level + 1];
              if (!data.divisions || !data.divisions.length) { picker.dispatchEvent(new Event("division-change", { bubbles: true })); return; }
              var placeholder = document.createElement("option");
              placeholder.value = "";
              placeholder.textContent = "请选择";
              next.appendChild(placeholder);
              data.divisions.forEach(function (division) {
                var option = document.createElement("option");
                option.value = division.code;
                option.textContent = division.name;
                next.appendChild(option);
              });
              next.hidden = false;
              picker.dispatchEvent(new Event("division-change", { bubbles: true }));
            });
        });
      });
    });
  }

  // The suggested management department follows the unit's region as it is picked.
  function wireDepartmentSuggestion() {
    var panel = document.querySelector("[data-department-suggestion]");
    if (!panel) return;
    // A department not chosen yet starts as the suggested one.
    var chosen = document.getElementById("id_management_department");
    if (chosen && !chosen.value && panel.getAttribute("data-suggestion-id")) {
      chosen.value = panel.getAttribute("data-suggestion-id");
    }
    var latest = 0;
    document.addEventListener("division-change", function (event) {
      var selects = event.target.querySelectorAll("select");
      var code = "";
      selects.forEach(function (select) { if (select.value && !select.hidden) code = select.value; });
      if (!code || !event.target.closest(".field") || event.target.closest(".field").id.indexOf("employer_division") === -1) return;
      // Picking quickly sends several requests; only the answer for the last choice counts.
      var request = ++latest;
      fetch(panel.getAttribute("data-url") + "?division=" + encodeURIComponent(code))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (request !== latest) return;
          var name = panel.querySelector("[data-suggestion-name]");
          if (!data.department || !name) return;
          name.textContent = data.department.name;
          panel.querySelector("[data-suggestion-phones]").textContent = data.department.phones || "";
          panel.querySelector("[data-suggestion-phones-line]").hidden = !data.department.phones;
          panel.querySelector("[data-suggestion]").hidden = false;
          var basis = panel.querySelector("[data-suggestion-basis]");
          basis.textContent = "根据单位所在地推荐；请在下方确认或改选。";
          basis.hidden = false;
          var empty = panel.querySelector("[data-suggestion-empty]");
          if (empty) empty.hidden = true;
          var select = document.getElementById("id_management_department");
          if (select) select.value = String(data.department.id);
        });
    });
  }

  // Conditional reveal: fields that only apply to some answers (the work unit's details under 是, the
  // qualification's details under a level other than 无) are hidden while they do not apply. The server
  // applies the same rule; a field with an error is never hidden.
  function wireConditionalReveal() {
    document.querySelectorAll("[data-reveal]").forEach(function (rule) {
      var name = rule.getAttribute("data-controller");
      var hideWhen = rule.getAttribute("data-hide-when").split(" ").map(function (v) { return v === "-" ? "" : v; });
      var groups = rule.getAttribute("data-targets").split(" ").map(function (target) {
        return document.getElementById("id_" + target + "-group");
      }).filter(Boolean);
      var controls = document.querySelectorAll("[name='" + name + "']");
      if (!controls.length || !groups.length) return;
      var value = function () {
        var chosen = "";
        controls.forEach(function (control) {
          if (control.type === "radio") { if (control.checked) chosen = control.value; }
          else chosen = control.value;
        });
        return chosen;
      };
      var sync = function () {
        var hide = hideWhen.indexOf(value()) !== -1;
        groups.forEach(function (group) {
          group.hidden = hide && !group.classList.contains("has-error");
        });
      };
      controls.forEach(function (control) { control.addEventListener("change", sync); });
      sync();
    });
  }

  // One click submits once: the button is disabled while the request is under way.
  function wireSingleSubmit() {
    document.querySelectorAll("[data-prevent-double-submit]").forEach(function (button) {
      var form = button.closest("form");
      form.addEventListener("submit", function () {
        setTimeout(function () { button.disabled = true; button.textContent = "正在提交…"; }, 0);
      });
    });
  }

  // Phone photos are often larger than the server accepts: a large JPEG/PNG is drawn onto a canvas no
  // longer than MAX_SIDE on its long side and sent as a JPEG. createImageBitmap with imageOrientation
  // "from-image" applies the EXIF rotation, so a portrait photo stays upright (the canvas drops EXIF).
  var MAX_SIDE = 3000;
  var SHRINK_ABOVE_BYTES = 3 * 1024 * 1024;
  function downscaled(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || file.size <= SHRINK_ABOVE_BYTES || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.(png|jpe?g)$/i, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.88);
      });
    }).catch(function () { return file; });
  }

  // Uploads: shrink large photos, show progress, and put a refusal next to the slot. The server answers
  // this background request in JSON (a redirect would show the page without the reason).
  function wireUploadProgress() {
    document.querySelectorAll("[data-upload-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var bar = form.querySelector("progress");
        if (!bar || !window.XMLHttpRequest || !window.FormData || !window.Promise) return;
        event.preventDefault();
        var box = document.getElementById("slot-" + form.getAttribute("data-slot") + "-errors");
        var showErrors = function (errors) {
          bar.hidden = true;
          // The refused photo's preview would look accepted: take it away and let a new one be chosen.
          form.querySelectorAll(".upload-preview").forEach(function (preview) { preview.remove(); });
          form.querySelectorAll("input[type=file]").forEach(function (input) { input.value = ""; });
          if (!box) { window.alert(errors.join("\n")); return; }
          box.innerHTML = "";
          errors.forEach(function (text) {
            var line = document.createElement("p");
            line.textContent = text;
            box.appendChild(line);
          });
          box.hidden = false;
          box.focus();
        };
        var files = [];
        form.querySelectorAll("input[type=file]").forEach(function (input) {
          Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
        });
        Promise.all(files.map(downscaled)).then(function (ready) {
          var data = new FormData();
          form.querySelectorAll("input[type=hidden]").forEach(function (input) { data.append(input.name, input.value); });
          ready.forEach(function (file) { data.append("files", file, file.name); });
          var request = new XMLHttpRequest();
          request.open("POST", form.action);
          request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
          bar.value = 0;
          bar.hidden = false;
          request.upload.addEventListener("progress", function (e) {
            if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
          });
          request.addEventListener("load", function () {
            var answer = null;
            try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
            if (answer && answer.errors) { showErrors(answer.errors); return; }
            if (answer && answer.next) {
              // Same page with a new #slot fragment would only scroll: reload it to show the new file.
              var here = window.location.pathname + window.location.search;
              if (answer.next.split("#")[0] === here) { window.location.hash = answer.next.split("#")[1] || ""; window.location.reload(); }
              else window.location.href = answer.next;
              return;
            }
            if (request.status === 413) { showErrors(["文件太大，请换一张较小的照片后重试"]); return; }
            form.submit();
          });
          request.addEventListener("error", function () { showErrors(["网络连接中断，上传没有完成，请重试"]); });
          request.send(data);
        });
      });
    });
  }

  // The registration's ID photo: sent as soon as it is chosen, so the card is read while the person types
  // the rest; the server's fragment (识别中, then what the card says against the name and number typed)
  // replaces #id_photo_check, asked again every second while in progress (the server turns 识别中 into
  // "could not read" at its time limit) and when the name or number changes. Without this, the photo goes
  // with the form and the state shows after any round trip.
  function wireCardPhoto() {
    var fieldset = document.querySelector("[data-card-photo]");
    if (!fieldset || !window.FormData || !window.fetch || !window.Promise) return;
    var form = fieldset.closest("form");
    var input = fieldset.querySelector("input[type=file]");
    var token = fieldset.querySelector("input[type=hidden][name$='photo_token']");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!input || !token || !csrf) return;
    var group = input.closest(".field");
    var timer = null;
    var latest = 0;
    var typed = function (data) {
      ["full_name", "document_number", "document_type"].forEach(function (name) {
        var field = form.elements[name];
        if (field) data.append(name, field.value);
      });
      data.append("csrfmiddlewaretoken", csrf.value);
      return data;
    };
    var before = "";  // the state shown before a photo was chosen: back in place if it is refused
    var showErrors = function (errors) {
      var state = document.getElementById("id_photo_check");
      if (state && state.querySelector(".spinner")) state.innerHTML = before;
      var box = group.querySelector(".error-message");
      if (!box) {
        box = document.createElement("p");
        box.className = "error-message";
        box.id = input.id + "_error";
        input.insertAdjacentElement("beforebegin", box);
      }
      box.innerHTML = "";
      errors.forEach(function (text) {
        var line = document.createElement("span");
        line.textContent = text;
        box.appendChild(line);
      });
      group.classList.add("has-error");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
      // The refused photo's preview would look accepted.
      group.querySelectorAll(".upload-preview").forEach(function (preview) { preview.remove(); });
      input.value = "";
      input.focus();
    };
    var clearErrors = function () {
      var box = group.querySelector(".error-message");
      if (box) box.remove();
      group.classList.remove("has-error");
      input.removeAttribute("aria-invalid");
    };
    var show = function (answer, request) {
      if (request !== latest) return;  // an older answer arriving late
      var old = document.getElementById("id_photo_check");
      var holder = document.createElement("div");
      holder.innerHTML = answer.html;
      if (old && holder.firstElementChild) old.replaceWith(holder.firstElementChild);
      clearTimeout(timer);
      if (answer.in_progress && answer.poll_after_ms) timer = setTimeout(check, answer.poll_after_ms);
    };
    var send = function (url, data) {
      var request = ++latest;
      return fetch(url, { method: "POST", body: typed(data), credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) {
          if (response.status === 413) return { errors: ["文件太大，请换一张较小的照片后重试"] };
          return response.json().catch(function () { return { errors: ["上传没有完成，请重试"] }; });
        })
        .then(function (answer) {
          if (answer.errors) { if (request === latest) showErrors(answer.errors); return; }
          if (answer.token) token.value = answer.token;
          show(answer, request);
        })
        .catch(function () { if (request === latest) showErrors(["网络连接中断，上传没有完成，请重试"]); });
    };
    var check = function () {
      if (!token.value) return;
      var data = new FormData();
      data.append(token.name, token.value);
      send(fieldset.getAttribute("data-check-url"), data);
    };
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      clearErrors();
      var state = document.getElementById("id_photo_check");
      if (state) {
        before = state.innerHTML;
        state.innerHTML = '<p class="card-check-state card-check-reading"><span class="spinner" aria-hidden="true"></span>正在上传照片…</p>';
      }
      downscaled(file).then(function (ready) {
        var data = new FormData();
        data.append(input.name, ready, ready.name);
        send(fieldset.getAttribute("data-upload-url"), data).then(function () {
          // Sent: the hidden token now holds it, and the form must not send the file a second time.
          if (token.value) input.value = "";
        });
      });
    });
    ["full_name", "document_number", "document_type"].forEach(function (name) {
      var field = form.elements[name];
      if (field) field.addEventListener("change", check);
    });
    // A page sent back (a code asked for, an error) while the card was still being read.
    if (document.querySelector("#id_photo_check[data-in-progress]")) timer = setTimeout(check, 1000);
  }


  // Reviewers zoom and rotate attachment images in the page.
  function wireImageViewers() {
    document.querySelectorAll("[data-image-viewer]").forEach(function (viewer) {
      var img = viewer.querySelector("img");
      var tools = viewer.querySelector(".viewer-tools");
      // A zoomed image scrolls inside its frame: the keyboard must reach it too (WCAG 2.1.1).
      var frame = viewer.querySelector(".viewer-frame");
      if (frame && !frame.hasAttribute("tabindex")) {
        frame.tabIndex = 0;
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", (img && img.alt ? img.alt : "图片") + "（可用方向键滚动）");
      }
      var scale = 1;
      var angle = 0;
      var apply = function () {
        img.style.transform = "scale(" + scale + ") rotate(" + angle + "deg)";
        img.style.maxWidth = scale > 1 ? "none" : "100%";
      };
      tools.hidden = false;
      tools.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () {
          scale = Math.min(4, Math.max(0.5, scale * (button.getAttribute("data-zoom") === "in" ? 1.25 : 0.8)));
          apply();
        });
      });
      tools.querySelector("[data-rotate]").addEventListener("click", function () { angle = (angle + 90) % 360; apply(); });
    });
  }

  // The images beside a record stop above the sticky decision bar: the stylesheet reads its height.
  function wireDecisionBar() {
    var bar = document.querySelector(".decision-bar");
    if (!bar || !window.ResizeObserver) return;
    var root = document.documentElement;
    new ResizeObserver(function () {
      var sticky = window.getComputedStyle(bar).position === "sticky";
      root.style.setProperty("--decision-bar-height", (sticky ? bar.offsetHeight : 0) + "px");
    }).observe(bar);
  }

  // A reason picked from the list staff keep goes into the reason box (the id the attribute names, else
  // id_reason), where it can be edited.
  function wireReasonTemplates() {
    var select = document.querySelector("[data-reason-template]");
    if (!select) return;
    select.addEventListener("change", function () {
      var box = document.getElementById(select.getAttribute("data-reason-template") || "id_reason");
      if (select.value) box.value = box.value ? box.value + "；" + select.value : select.value;
      box.focus();
    });
  }

  // A wide table scrolls sideways in its .table-wrap on a phone: the keyboard must reach it (WCAG 2.1.1).
  function wireScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.hasAttribute("tabindex")) return;
      var caption = wrap.querySelector("caption");
      var heading = wrap.previousElementSibling && /^H[1-6]$/.test(wrap.previousElementSibling.tagName) ? wrap.previousElementSibling : null;
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", ((caption || heading || document.querySelector("h1") || {}).textContent || "表格").trim() + "（可左右滚动）");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireScrollableTables();
    wireRequiredCheckbox();
    wireErrorSummaryLinks();
    wirePhotoPreview();
    wireCaptchaRefresh();
    wireCountdown();
    focusErrorSummary();
    wireDivisionPickers();
    wireDepartmentSuggestion();
    wireSingleSubmit();
    wireUploadProgress();
    wireCardPhoto();
    wireImageViewers();
    wireReasonTemplates();
    wireDecisionBar();
    wireConditionalReveal();
  });
})();
