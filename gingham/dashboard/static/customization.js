/*
 * The Link customization editor's live preview: each edit of the draft asks the dashboard for
 * the pane Link would show with it (built by Link's own pane builders, nothing saved), and
 * hands it to Link's frame, opened in preview mode beside the form.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var form = document.getElementById("customization-editor");
  var frame = document.getElementById("link-preview");
  var status = document.getElementById("preview-status");
  if (!form || !frame || !status) return;

  var timer = null;
  var asked = 0; // the latest request: an older answer arriving late is dropped
  var loaded = false;
  var lastView = null;

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function show(view) {
    lastView = view;
    if (!loaded) return;
    frame.contentWindow.postMessage({ gingham_link_preview: 1, view: view }, window.location.origin);
    frame.setAttribute("data-pane", view.name);
  }

  async function refresh() {
    var mine = ++asked;
    var answer;
    try {
      var response = await fetch(form.getAttribute("data-preview"), {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        cache: "no-store",
      });
      answer = await response.json();
    } catch (err) {
      if (mine === asked) say("The preview could not be updated. Reload the page to try again.");
      return;
    }
    if (mine !== asked) return;
    if (answer.error) {
      say("The preview shows the last valid draft: " + answer.error.message);
      return;
    }
    say("Preview of the draft. It is not published.");
    show(answer.view);
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  frame.addEventListener("load", function () {
    loaded = true;
    if (lastView) show(lastView);
  });
  frame.src = frame.getAttribute("data-src") + "&parent_origin=" + encodeURIComponent(window.location.origin);

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  // The pane chooser sits beside the preview, outside the form element, but belongs to it.
  document.querySelectorAll("[form='customization-editor']").forEach(function (control) {
    control.addEventListener("change", soon);
  });
  refresh();
})();
