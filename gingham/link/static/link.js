/*
 * The Link frame: renders the panes the server's Link session decides on and relays events and
 * the outcome to the page's link-initialize.js (docs/LINK_PROTOCOL.md).
 */
(function () {
  "use strict";

  var SEARCH_DELAY_MS = 250;
  // Served by gingham/link/legal.py.
  var PRIVACY_POLICY_PATH = "/link/v2/stable/privacy";
  // How long Link waits for the user to come back from the bank's pop-up.
  var OAUTH_TIMEOUT_MS = 10 * 60 * 1000;

  var params = new URLSearchParams(window.location.search);
  var config = {
    token: params.get("token") || "",
    parentOrigin: params.get("parent_origin") || "",
    embedded: params.get("embedded") === "1",
    receivedRedirectUri: params.get("received_redirect_uri") || "",
    // A public-key integration: the key, and its Plaid.create options (from the fragment).
    publicKey: params.get("key") || "",
    legacy: readLegacyOptions(),
    // A Hosted Link page (gingham/hosted_link/pages.py): its configuration, else null.
    hosted: readHostedLink(),
    // The dashboard's customization editor (gingham/dashboard/customization.py): no session;
    // the page sends the panes to draw, made by Link's own builders with a draft customization.
    preview: params.get("preview") === "1",
  };

  function readLegacyOptions() {
    var fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var raw = fragment.get("legacy");
    if (!raw) return {};
    try {
      var options = JSON.parse(raw);
      return options && typeof options === "object" ? options : {};
    } catch (err) {
      return {};
    }
  }
  /* ---------------------------------------------------------------- Hosted Link */

  // The Hosted Link page runs Link by itself, with no app page around it: the server writes the
  // link token into the page (a JSON block), with the completion redirect to go to when the
  // session ends and, on the bank's return leg, the URL to resume the session at.
  function readHostedLink() {
    var element = document.getElementById("gingham-hosted-link");
    if (!element) return null;
    try {
      var hosted = JSON.parse(element.textContent || "");
      return hosted && typeof hosted === "object" ? hosted : null;
    } catch (err) {
      return null;
    }
  }

  if (config.hosted) {
    config.token = config.hosted.link_token || "";
    config.receivedRedirectUri = config.hosted.received_redirect_uri || "";
  }

  // Success and exit alike end on the completion redirect, as at Plaid; the app learns how the
  // session ended from the LINK webhooks. The public token is the app's, never shown here.
  function finishHosted(outcome) {
    mount(renderDone({ type: outcome.type, error: outcome.error || null, metadata: {} }), null);
    var target = config.hosted.completion_redirect_uri;
    if (target) window.location.assign(target);
  }

  // Opened directly as a page (manual testing): nobody to talk to, so run as if opened.
  var framed = window.parent !== window && !!config.parentOrigin;

  /* ---------------------------------------------------------------- reporting to the app */

  // Plaid's webview integration (link.html?isWebview=true&token=…): Link is the whole page of
  // the app's webview and reports by navigating to plaidlink://connected|exit|event?…, which
  // the app intercepts and cancels (docs/LINK_PROTOCOL.md, "Webviews").
  config.webview = !framed && params.get("isWebview") === "true";
  // receivedRedirectUri is the spelling Plaid's webview integrations (and Plaid.create) use.
  config.receivedRedirectUri = params.get("receivedRedirectUri") || config.receivedRedirectUri;
  if (config.webview && config.publicKey && config.token.indexOf("link-") !== 0) {
    // A public-key webview: Plaid.create's options come in the query string.
    config.legacy = Object.keys(config.legacy).length ? config.legacy : readWebviewLegacyOptions();
    config.token = "";
  }

  // How Link tells the app what happened, chosen once: framed, the page's link-initialize.js;
  // in a webview, plaidlink:// navigations; opened as a page of its own, nobody.
  var report = framed ? postToParent : config.webview ? reportToWebview : function () {};

  // Plaid's legacy webview query string: the Plaid.create options by name, lists
  // comma-separated (product=auth,transactions), booleans as "true"/"false", accountSubtypes
  // as JSON. Values that don't parse go to the server as written, which names the bad option.
  function readWebviewLegacyOptions() {
    var strings = [
      "clientName",
      "env",
      "language",
      "webhook",
      "userLegalName",
      "userEmailAddress",
      "oauthNonce",
      "oauthRedirectUri",
      "paymentToken",
      "linkCustomizationName",
    ];
    var options = {};
    strings.forEach(function (name) {
      if (params.has(name)) options[name] = params.get(name);
    });
    ["product", "countryCodes"].forEach(function (name) {
      if (!params.has(name)) return;
      options[name] = params
        .get(name)
        .split(",")
        .map(function (part) {
          return part.trim();
        })
        .filter(Boolean);
    });
    if (params.has("selectAccount")) {
      var select = params.get("selectAccount");
      options.selectAccount = select === "true" ? true : select === "false" ? false : select;
    }
    if (params.has("accountSubtypes")) {
      try {
        options.accountSubtypes = JSON.parse(params.get("accountSubtypes"));
      } catch (err) {
        options.accountSubtypes = params.get("accountSubtypes");
      }
    }
    // Update mode: a public token (Plaid's Android sample called it public_token).
    var publicToken = params.get("token") || params.get("public_token");
    if (publicToken) options.token = publicToken;
    return options;
  }

  // Every key of Plaid's webview event, in the query string even when empty.
  var WEBVIEW_EVENT_KEYS = [
    "error_type",
    "error_code",
    "error_message",
    "exit_status",
    "institution_id",
    "institution_name",
    "institution_search_query",
    "is_update_mode",
    "match_reason",
    "mfa_type",
    "view_name",
    "request_id",
    "link_session_id",
    "timestamp",
    "selection",
  ];

  function webviewQueryValue(value) {
    if (value == null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function plaidlinkUrl(action, pairs) {
    // %20 rather than "+": iOS's URLComponents does not read "+" as a space.
    return (
      "plaidlink://" +
      action +
      "?" +
      pairs
        .map(function (pair) {
          return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(webviewQueryValue(pair[1]));
        })
        .join("&")
    );
  }

  // The webview account shape differs from onSuccess's: {_id, meta: {name, number}, …}.
  function webviewAccounts(accounts) {
    return accounts.map(function (account) {
      return {
        _id: account.id,
        meta: { name: account.name, number: account.mask },
        type: account.type,
        subtype: account.subtype,
        verification_status: account.verification_status == null ? null : account.verification_status,
        class_type: account.class_type == null ? null : account.class_type,
      };
    });
  }

  function webviewUrl(message) {
    var metadata = message.metadata || {};
    var institution = metadata.institution || {};
    if (message.type === "event") {
      // Plaid's keys first, then any other metadata Gingham's onEvent carries.
      var extra = Object.keys(metadata).filter(function (key) {
        return WEBVIEW_EVENT_KEYS.indexOf(key) < 0;
      });
      var pairs = WEBVIEW_EVENT_KEYS.concat(extra).map(function (key) {
        return [key, metadata[key]];
      });
      return plaidlinkUrl("event", [["event_name", message.event_name]].concat(pairs));
    }
    if (message.type === "success") {
      var accounts = metadata.accounts || [];
      var first = accounts[0] || {};
      return plaidlinkUrl("connected", [
        ["public_token", message.public_token],
        ["institution_id", institution.institution_id],
        ["institution_name", institution.name],
        ["accounts", webviewAccounts(accounts)],
        ["transfer_status", metadata.transfer_status],
        ["link_session_id", metadata.link_session_id],
        // Older keys Plaid's sample apps read (the first account's).
        ["account_id", first.id],
        ["account_name", first.name],
      ]);
    }
    var error = message.error || {};
    return plaidlinkUrl("exit", [
      ["status", metadata.status],
      ["error_type", error.error_type],
      ["error_code", error.error_code],
      ["error_message", error.error_message],
      ["display_message", error.display_message],
      ["institution_id", institution.institution_id],
      ["institution_name", institution.name],
      ["link_session_id", metadata.link_session_id],
      ["request_id", metadata.request_id],
      // The spelling of Plaid's webview docs, and the keys its sample apps read.
      ["error_display_message", error.display_message],
      ["link_request_id", metadata.request_id],
      ["plaid_api_request_id", metadata.request_id],
    ]);
  }

  // Navigations to the app, one at a time. WebKit schedules a location change and a later one
  // in the same task replaces it, so WKWebView's decidePolicyFor would see only the last: each
  // gets a task of its own, and a moment for the app's WKNavigationDelegate or Android's
  // shouldOverrideUrlLoading to see it before the next one starts.
  var WEBVIEW_NAVIGATION_GAP_MS = 30;
  var webviewNavigations = [];
  var webviewNavigationTimer = null;

  function reportToWebview(message) {
    navigateWebview(webviewUrl(message));
  }

  // Leaving for the bank goes through the same queue, so no event before it is lost.
  function navigateWebview(url) {
    webviewNavigations.push(url);
    if (webviewNavigationTimer === null) webviewNavigationTimer = setTimeout(nextWebviewNavigation, 0);
  }

  function nextWebviewNavigation() {
    var url = webviewNavigations.shift();
    if (url === undefined) {
      webviewNavigationTimer = null;
      return;
    }
    window.location.href = url;
    webviewNavigationTimer = setTimeout(nextWebviewNavigation, WEBVIEW_NAVIGATION_GAP_MS);
  }

  var session = { id: null, view: null, started: false, opened: false, finished: false };
  var ui = {
    host: null, // element the current pane is mounted in
    modal: null,
    busyEl: null,
    announcer: null,
    viewName: null,
    alert: null, // the current pane's error region
    busy: false,
    focusBeforeBusy: null,
    focusPending: false,
    searchTimer: null,
    lastQuery: null,
    searching: 0,
    errorFrom: null, // the view an ERROR pane interrupted
  };

  // Requests run one at a time, in order, so the server sees actions in the order the user made
  // them and responses are applied in that same order.
  var queue = [];
  var running = false;
  var blocking = 0; // queued or running tasks that lock the pane
  var pendingParentExit = false;

  /* ---------------------------------------------------------------- messages */

  function postToParent(message) {
    if (!framed) return;
    message.gingham_link = 1;
    try {
      window.parent.postMessage(message, config.parentOrigin);
    } catch (err) {
      console.error("Gingham Link: could not post to the page", err);
    }
  }

  function onParentMessage(event) {
    if (!framed || event.source !== window.parent || event.origin !== config.parentOrigin) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.gingham_link !== 1) return;
    if (data.type === "open") open();
    else if (data.type === "exit") {
      if (data.force) forceExit();
      else requestExit();
    }
  }

  // Only the dashboard page that framed the preview, on Gingham's own origin, draws in it.
  function onPreviewMessage(event) {
    if (event.source !== window.parent || event.origin !== window.location.origin) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.gingham_link_preview !== 1 || !data.view) return;
    // Drawn whole each time: a search only redraws the results, and a draft changes the words.
    ui.viewName = null;
    render(data.view);
  }

  /* ---------------------------------------------------------------- server API */

  function ApiError(status, plaidError) {
    this.name = "ApiError";
    this.status = status;
    this.plaid = plaidError; // Plaid error body, or null for network failures and bad answers
    this.message = plaidError ? plaidError.error_code : "HTTP " + status;
  }
  ApiError.prototype = Object.create(Error.prototype);

  async function api(path, body) {
    var response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiError(0, null);
    }
    var data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    // A Plaid error can come with a 2xx status (208 OAUTH_STATE_ID_ALREADY_PROCESSED).
    if (!response.ok || !data || (data.error_code && !data.link_session_id)) {
      throw new ApiError(response.status, data && data.error_code ? data : null);
    }
    return data;
  }

  function actionPath() {
    return "/link/frame/sessions/" + encodeURIComponent(session.id) + "/actions";
  }

  function publicError(plaid) {
    return {
      error_type: plaid.error_type,
      error_code: plaid.error_code,
      error_message: plaid.error_message,
      display_message: plaid.display_message == null ? null : plaid.display_message,
    };
  }

  function errorText(err) {
    if (err && err.plaid) {
      return (
        err.plaid.display_message || err.plaid.error_message || "Something went wrong. Please try again."
      );
    }
    return "We couldn't reach the server. Check your connection and try again.";
  }

  /* ---------------------------------------------------------------- task queue */

  function enqueue(run, opts) {
    opts = opts || {};
    var task = { run: run, quiet: !!opts.quiet, search: !!opts.search };
    queue.push(task);
    if (!task.quiet) {
      blocking++;
      setBusy(true);
    }
    pump();
  }

  function pump() {
    if (running) return;
    var task = queue.shift();
    if (!task) return;
    if (session.finished) {
      dropQueue();
      if (!task.quiet) blocking--;
      setBusy(blocking > 0);
      return;
    }
    running = true;
    if (task.search) setSearching(1);
    Promise.resolve()
      .then(task.run)
      .catch(function (err) {
        console.error("Gingham Link:", err);
      })
      .then(function () {
        running = false;
        if (task.search) setSearching(-1);
        if (!task.quiet) blocking--;
        setBusy(blocking > 0);
        if (pendingParentExit && !queue.length) requestExit();
        pump();
      });
  }

  function dropQueue(keep) {
    for (var i = queue.length - 1; i >= 0; i--) {
      if (keep && keep(queue[i])) continue;
      if (!queue[i].quiet) blocking--;
      queue.splice(i, 1);
    }
  }

  /* ---------------------------------------------------------------- session */

  function open() {
    session.opened = true;
    if (session.finished) return;
    if (!session.started) {
      session.started = true;
      enqueue(startSession);
    } else {
      focusPane();
    }
  }

  async function startSession() {
    var state;
    try {
      var start;
      if (!config.token && config.publicKey) {
        start = { public_key: config.publicKey, legacy: config.legacy };
      } else {
        start = { link_token: config.token };
        if (config.receivedRedirectUri) start.received_redirect_uri = config.receivedRedirectUri;
      }
      state = await api("/link/frame/sessions", start);
      // A public-key session runs on a link token Gingham made for it; the frame keeps it to
      // itself (the page never sees it) and sends it with every action.
      if (state.link_token) config.token = state.link_token;
    } catch (err) {
      if (err.plaid) exitWithError(err);
      else mount(renderClientError(errorText(err), retryStart), "ERROR");
      return;
    }
    applyState(state);
  }

  function retryStart() {
    if (session.finished || running) return;
    enqueue(startSession);
  }

  function applyState(state) {
    if (session.finished || !state) return;
    if (state.link_session_id) session.id = state.link_session_id;
    (state.events || []).forEach(function (event) {
      report({ type: "event", event_name: event.event_name, metadata: event.metadata || {} });
    });
    if (state.view) {
      session.view = state.view;
      render(state.view);
    }
    if (state.outcome) finish(state.outcome);
  }

  function finish(outcome) {
    if (session.finished) return;
    session.finished = true;
    pendingParentExit = false;
    clearTimeout(ui.searchTimer);
    dropQueue();
    if (outcome.type === "success") {
      report({ type: "success", public_token: outcome.public_token, metadata: outcome.metadata || {} });
    } else {
      report({ type: "exit", error: outcome.error || null, metadata: outcome.metadata || {} });
    }
    if (config.hosted) return finishHosted(outcome);
    mount(renderDone(outcome), null);
  }

  function exitMetadata(requestId) {
    var inst = session.view && session.view.institution;
    return {
      institution: inst ? { name: inst.name, institution_id: inst.institution_id } : null,
      status: null,
      link_session_id: session.id,
      request_id: requestId || null,
    };
  }

  function exitWithError(err) {
    finish({
      type: "exit",
      error: err && err.plaid ? publicError(err.plaid) : null,
      metadata: exitMetadata(err && err.plaid ? err.plaid.request_id : null),
    });
  }

  function action(name, extra) {
    if (session.finished || !session.id || ui.busy) return;
    var body = Object.assign({}, extra || {}, { link_token: config.token, action: name });
    enqueue(function () {
      return runAction(body);
    });
  }

  async function runAction(body) {
    var state;
    try {
      state = await api(actionPath(), body);
    } catch (err) {
      if (err.plaid && err.plaid.error_code === "INVALID_LINK_TOKEN") exitWithError(err);
      else showAlert(errorText(err));
      return;
    }
    applyState(state);
  }

  // The page asked to close Link without force: ask the user to confirm, as the × does.
  function requestExit() {
    if (session.finished) return;
    if (running || queue.length) {
      pendingParentExit = true;
      return;
    }
    pendingParentExit = false;
    if (!session.id) {
      exitWithError(null);
      return;
    }
    var name = session.view ? session.view.name : null;
    if (name === "EXIT") return;
    // The Item already exists on CONNECTED: leaving now is a success (Plaid: exit() "triggers
    // either onExit or onSuccess").
    action(name === "CONNECTED" ? "continue" : "exit");
  }

  // The page hid the frame already and waits for `exit`; it must get one whatever happens.
  function forceExit() {
    if (session.finished) return;
    pendingParentExit = false;
    clearTimeout(ui.searchTimer);
    dropQueue();
    if (!session.id && !running) {
      exitWithError(null);
      return;
    }
    enqueue(async function () {
      if (!session.id) {
        exitWithError(null);
        return;
      }
      var state;
      try {
        state = await api(actionPath(), { link_token: config.token, action: "force_exit" });
      } catch (err) {
        exitWithError(err);
        return;
      }
      applyState(state);
      if (!session.finished) exitWithError(null); // the server should have ended it; be sure
    });
  }

  /* ---------------------------------------------------------------- search */

  function scheduleSearch(query) {
    clearTimeout(ui.searchTimer);
    ui.searchTimer = setTimeout(function () {
      search(query);
    }, SEARCH_DELAY_MS);
  }

  function search(query) {
    clearTimeout(ui.searchTimer);
    if (session.finished || !session.id || query === ui.lastQuery) return;
    // A blocking action (say, picking a result) is on its way: the pane is about to change.
    if (blocking > 0 || ui.viewName !== "SELECT_INSTITUTION") return;
    ui.lastQuery = query;
    // Only the newest query matters: drop searches that have not been sent yet.
    dropQueue(function (task) {
      return !task.search;
    });
    var body = { link_token: config.token, action: "search", query: query };
    enqueue(
      function () {
        return runAction(body);
      },
      { quiet: true, search: true }
    );
  }

  function setSearching(delta) {
    ui.searching += delta;
    var form = ui.host && ui.host.querySelector(".search");
    if (form) form.classList.toggle("is-searching", ui.searching > 0);
  }

  function selectInstitution(inst) {
    clearTimeout(ui.searchTimer);
    action("select_institution", { institution_id: inst.institution_id });
  }

  /* ---------------------------------------------------------------- DOM helpers */

  var PROPERTIES = { value: 1, checked: 1, disabled: 1, hidden: 1, htmlFor: 1 };

  // h("button", {class: "x", onclick: fn, "data-testid": "y"}, ["text", childNode, null])
  function h(tag, props, children) {
    var el = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value == null || value === false) return;
      if (key === "class") el.className = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else if (PROPERTIES[key]) el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    });
    append(el, children);
    return el;
  }

  function append(el, children) {
    if (children == null || children === false) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child == null || child === false) return;
      if (Array.isArray(child)) append(el, child);
      else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
  }

  var uid = 0;
  function nextId(prefix) {
    uid += 1;
    return prefix + "-" + uid;
  }

  function button(label, opts) {
    return h(
      "button",
      {
        type: opts.submit ? "submit" : "button",
        class: "btn " + (opts.secondary ? "btn-secondary" : "btn-primary"),
        "data-testid": opts.testid,
        disabled: opts.disabled,
        onclick: opts.onclick,
      },
      label
    );
  }

  function initials(name) {
    var words = String(name || "?")
      .replace(/[^\p{L}\p{N}\s]/gu, " ")
      .split(/\s+/)
      .filter(function (w) {
        return w && !/^(the|of|and|bank)$/i.test(w);
      });
    if (!words.length) return String(name || "?").charAt(0).toUpperCase();
    return words
      .slice(0, 2)
      .map(function (w) {
        return w.charAt(0).toUpperCase();
      })
      .join("");
  }

  // WCAG 2 relative luminance of a #rrggbb colour.
  function luminance(rgb) {
    var channels = [rgb >> 16, (rgb >> 8) & 255, rgb & 255].map(function (value) {
      var c = value / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  // The brand colour as a background and the text colour that reads on it with WCAG AA contrast
  // (4.5:1): white or near-black, whichever contrasts more; a brand colour too light for white
  // and too dark for black (a mid blue) is darkened until white text reads on it.
  function brandColors(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    var rgb = m ? parseInt(m[1], 16) : 0x4b5563;
    var dark = 0x111827;
    for (var step = 0; step < 20; step++) {
      var lum = luminance(rgb);
      var onWhite = 1.05 / (lum + 0.05);
      var onDark = (lum + 0.05) / (luminance(dark) + 0.05);
      var background = "#" + ("00000" + rgb.toString(16)).slice(-6);
      if (onDark >= 4.5 && onDark >= onWhite) return { background: background, text: "#111827" };
      if (onWhite >= 4.5) return { background: background, text: "#fff" };
      rgb = (Math.floor((rgb >> 16) * 0.9) << 16) | (Math.floor(((rgb >> 8) & 255) * 0.9) << 8) | Math.floor((rgb & 255) * 0.9);
    }
    return { background: "#111827", text: "#fff" };
  }

  function monogram(inst, size) {
    var color = (inst && inst.primary_color) || "#4b5563";
    var text =
      inst && typeof inst.monogram === "string" && inst.monogram.trim() && inst.monogram.length <= 3
        ? inst.monogram.trim()
        : initials(inst && inst.name);
    var el = h("span", { class: "monogram" + (size ? " monogram-" + size : ""), "aria-hidden": "true" }, text);
    var colors = brandColors(color);
    el.style.backgroundColor = colors.background;
    el.style.color = colors.text;
    return el;
  }

  // The bank's logo, when the server names one (gingham/institutions/logos.py), drawn over its
  // monogram: until the image arrives, or if it never does, the monogram shows.
  function institutionMark(inst, size) {
    var mark = monogram(inst, size);
    if (!inst || typeof inst.logo !== "string" || !/^\/[^/]/.test(inst.logo)) return mark;
    var wrapper = h("span", { class: "mark" + (size ? " mark-" + size : ""), "aria-hidden": "true" }, mark);
    mark.removeAttribute("aria-hidden");
    var img = h("img", {
      class: "logo",
      src: inst.logo,
      alt: "",
      decoding: "async",
      "data-testid": "institution-logo",
      onload: function () {
        wrapper.classList.add("has-logo");
      },
      onerror: function () {
        img.remove();
      },
    });
    wrapper.appendChild(img);
    return wrapper;
  }

  function healthOf(inst) {
    var health = inst && inst.health;
    return typeof health === "string" ? health : health && health.status;
  }

  function healthBadge(inst) {
    var status = healthOf(inst);
    if (status === "DEGRADED") return h("span", { class: "badge badge-warn" }, "Degraded");
    if (status === "DOWN") return h("span", { class: "badge badge-down" }, "Down");
    return null;
  }

  function hostOf(url) {
    try {
      return new URL(url).host.replace(/^www\./, "");
    } catch (err) {
      return String(url);
    }
  }

  function textOf(value) {
    if (value == null) return "";
    if (typeof value === "string") return value;
    return value.display_message || value.message || value.text || value.name || value.label || "";
  }

  function capitalize(s) {
    s = String(s || "").replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function formatMoney(amount, currency) {
    try {
      return new Intl.NumberFormat("en-US", { style: "currency", currency: currency || "USD" }).format(amount);
    } catch (err) {
      return amount.toFixed(2) + (currency ? " " + currency : "");
    }
  }

  function formatBalance(balance) {
    if (balance == null) return "";
    if (typeof balance === "number") return formatMoney(balance, "USD");
    var amount = balance.available != null ? balance.available : balance.current;
    if (typeof amount !== "number") return "";
    return formatMoney(amount, balance.iso_currency_code || balance.unofficial_currency_code || "USD");
  }

  function maskText(mask) {
    return mask ? "•••• " + mask : "";
  }

  function srOnly(text) {
    return h("span", { class: "sr-only" }, text);
  }

  /* ---------------------------------------------------------------- pane shell */

  function closeButton(onClose) {
    return h(
      "button",
      {
        type: "button",
        class: "icon-btn",
        "aria-label": "Close",
        "data-testid": "close",
        "data-close": "exit",
        onclick:
          onClose ||
          function () {
            action("exit");
          },
      },
      h("span", { class: "icon icon-close", "aria-hidden": "true" })
    );
  }

  function backButton(testid, onclick) {
    return h(
      "button",
      { type: "button", class: "icon-btn", "aria-label": "Back", "data-testid": testid, onclick: onclick },
      h("span", { class: "icon icon-back", "aria-hidden": "true" })
    );
  }

  function institutionChip(inst) {
    if (!inst) return null;
    return h("span", { class: "chip" }, [institutionMark(inst, "sm"), h("span", { class: "chip-name" }, inst.name)]);
  }

  /*
   * One pane: header (back · institution · close), a scrolling body and a footer for the main
   * buttons. With onSubmit the body and footer are one <form>, so Enter submits it.
   * o: {title, lead, top, body, footer, onSubmit, close, onClose, back, institution, alert, focus}
   */
  function pane(name, o) {
    var header = h("header", { class: "pane-header" }, [
      o.back || h("span", { class: "icon-spacer" }),
      h("div", { class: "pane-header-center" }, o.institution ? institutionChip(o.institution) : null),
      o.close === false ? h("span", { class: "icon-spacer" }) : closeButton(o.onClose),
    ]);
    var alert = h(
      "div",
      { class: "alert", "aria-live": "polite", "data-testid": "error-message", "data-alert": true },
      o.alert || null
    );
    var body = h("div", { class: "pane-body" }, [
      o.top,
      h("h1", { id: "pane-title", class: "pane-title", tabindex: "-1" }, o.title),
      o.lead ? h("p", { class: "lead" }, o.lead) : null,
      alert,
      o.body,
    ]);
    var footer = o.footer ? h("div", { class: "pane-footer" }, o.footer) : null;
    var main = o.onSubmit
      ? h(
          "form",
          {
            class: "pane-main",
            novalidate: true,
            onsubmit: function (event) {
              event.preventDefault();
              if (!ui.busy) o.onSubmit(event.currentTarget);
            },
          },
          [body, footer]
        )
      : h("div", { class: "pane-main" }, [body, footer]);
    var root = h("section", { class: "pane pane-" + name.toLowerCase().replace(/_/g, "-"), "data-view": name }, [
      header,
      main,
    ]);
    root._focus = o.focus || null;
    return root;
  }

  /* ---------------------------------------------------------------- views */

  // Before the session starts, and whenever the server says it is working (LOADING): a spinner
  // and words for it, in a live region so screen readers hear what is happening.
  function renderLoading(view) {
    var bank = view && view.institution && view.institution.name;
    return h("section", { class: "pane pane-loading", "data-view": "LOADING" }, [
      h("h1", { id: "pane-title", class: "sr-only", tabindex: "-1" }, "Loading"),
      h("div", { class: "loading", role: "status", "aria-live": "polite", "data-testid": "loading-status" }, [
        h("div", { class: "spinner spinner-lg", "aria-hidden": "true" }),
        h("p", { class: "loading-text" }, bank ? "Connecting to " + bank + "…" : "Loading…"),
        bank ? h("p", { class: "fine" }, "This can take a few seconds.") : null,
      ]),
    ]);
  }

  function listCard(title, testid, entries) {
    return h("div", { class: "card" }, [
      h("h2", { class: "card-title" }, title),
      h(
        "ul",
        { class: "products", "data-testid": testid },
        entries.map(function (entry) {
          return h("li", null, entry);
        })
      ),
    ]);
  }

  // Assets, Statements and Income each ask for their own consent, in update mode.
  function productConsentCards(view) {
    return (view.product_consents || []).map(function (consent) {
      return h("div", { class: "card", "data-testid": "product-consent-" + consent.product }, [
        h("h2", { class: "card-title" }, consent.name),
        h("p", null, "You agree to share " + consent.text + "."),
      ]);
    });
  }

  function renderConsent(view) {
    var client = view.client_name || "This app";
    var products = (view.products || []).map(textOf).filter(Boolean);
    var useCases = (view.use_cases || []).map(textOf).filter(Boolean);
    return pane("CONSENT", {
      top: h("div", { class: "hero", "aria-hidden": "true" }, [
        monogram({ name: client, primary_color: "#111827" }, "lg"),
        h("span", { class: "hero-link" }),
        h("span", { class: "monogram monogram-lg gingham-mark" }),
      ]),
      title: client + " uses Gingham to connect your " + (customText(view, "consent") || "account"),
      body: [
        h("ul", { class: "points" }, [
          h("li", null, [
            h("span", { class: "point-icon icon-lock", "aria-hidden": "true" }),
            h("div", null, [
              h("strong", null, "Secure"),
              h("p", null, "Your credentials stay with Gingham and are never shared with " + client + "."),
            ]),
          ]),
          h("li", null, [
            h("span", { class: "point-icon icon-eye", "aria-hidden": "true" }),
            h("div", null, [
              h("strong", null, "Private"),
              h("p", null, client + " only gets the data you agree to share below."),
            ]),
          ]),
        ]),
        products.length
          ? listCard(
              (view.update_mode ? "New data " : "Data ") + client + " asked for",
              "consent-products",
              products
            )
          : null,
        useCases.length ? listCard("How " + client + " will use your data", "consent-use-cases", useCases) : null,
        productConsentCards(view),
        returningUserOffer(view, client),
      ],
      footer: [
        button("Continue", {
          testid: "consent-continue",
          onclick: function () {
            action("continue");
          },
        }),
        h("p", { class: "fine" }, [
          "By selecting “Continue” you agree to share this data with " + client + " and to the ",
          h(
            "a",
            {
              href: PRIVACY_POLICY_PATH,
              target: "_blank",
              rel: "noopener noreferrer",
              "data-testid": "consent-privacy-policy",
            },
            ["Gingham End User Privacy Policy", srOnly(" (opens in a new tab)")]
          ),
          ".",
        ]),
      ],
    });
  }

  // Reauthorization: what the connection shares today, reviewed before it is renewed.
  function renderDataTransparencyConsent(view) {
    var client = view.client_name || "This app";
    var accounts = (view.accounts || []).map(function (account) {
      return account.name + (account.mask ? " ••" + account.mask : "");
    });
    var useCases = (view.use_cases || []).map(textOf).filter(Boolean);
    var data = (view.data || []).map(textOf).filter(Boolean);
    return pane("DATA_TRANSPARENCY_CONSENT", {
      institution: view.institution,
      title: "Review what you share with " + client,
      lead:
        "Your permission for " + client + " to access your " +
        ((view.institution && view.institution.name) || "bank") +
        " accounts needs renewing. Check what it includes, then renew it for another 12 months.",
      body: [
        accounts.length ? listCard("Accounts", "review-accounts", accounts) : null,
        data.length ? listCard("Data", "review-data", data) : null,
        useCases.length ? listCard("How " + client + " uses it", "review-use-cases", useCases) : null,
      ],
      footer: [
        button("Renew access", {
          testid: "review-continue",
          onclick: function () {
            action("continue");
          },
        }),
      ],
    });
  }

  function institutionItem(inst) {
    var url = inst.url ? hostOf(inst.url) : null;
    return h(
      "li",
      null,
      h(
        "button",
        {
          type: "button",
          class: "inst",
          "data-testid": "institution-" + inst.institution_id,
          onclick: function () {
            selectInstitution(inst);
          },
        },
        [
          institutionMark(inst),
          h("span", { class: "inst-text" }, [
            h("span", { class: "inst-name" }, inst.name),
            url ? h("span", { class: "inst-url" }, url) : null,
          ]),
          healthBadge(inst),
        ]
      )
    );
  }

  function resultsContent(view) {
    if (showsFeaturedGrid(view)) return featuredGrid(view);
    var results = view.results || [];
    if (!results.length) {
      var query = (view.query || "").trim();
      return h(
        "p",
        { class: "empty", role: "status" },
        query ? "No results for “" + query + "”. Check the spelling or try another name." : "Search for your bank."
      );
    }
    return h("ul", { class: "results", "aria-label": "Institutions" }, results.map(institutionItem));
  }

  // Arrow keys move between the search box and the results, like a listbox.
  function onResultsKeydown(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var host = ui.host;
    var items = Array.prototype.slice.call(host.querySelectorAll(".inst"));
    var input = host.querySelector("[data-testid=search-input]");
    var index = items.indexOf(document.activeElement);
    var next;
    if (event.key === "ArrowDown") next = index < 0 ? items[0] : items[index + 1];
    else next = index <= 0 ? input : items[index - 1];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  function renderSelectInstitution(view) {
    var inputId = nextId("search");
    ui.lastQuery = view.query || "";
    var input = h("input", {
      id: inputId,
      type: "search",
      class: "input search-input",
      placeholder: customText(view, "institution_search") || "Search",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "search",
      "data-testid": "search-input",
      value: view.query || "",
      oninput: function (event) {
        scheduleSearch(event.target.value.trim());
      },
    });
    var root = pane("SELECT_INSTITUTION", {
      title: customText(view, "institution_select") || "Select your institution",
      institution: null,
      onSubmit: function (form) {
        // Enter searches at once; pressed again on up-to-date results it picks the first one.
        var query = input.value.trim();
        if (query === ui.lastQuery && ui.searching === 0) {
          var first = form.querySelector(".inst");
          if (first) first.click();
        } else {
          search(query);
        }
      },
      body: [
        h("div", { class: "search" }, [
          h("label", { for: inputId, class: "sr-only" }, "Search for your institution"),
          h("span", { class: "icon icon-search", "aria-hidden": "true" }),
          input,
          h("span", { class: "spinner spinner-sm search-spinner", "aria-hidden": "true" }),
        ]),
        h("div", { class: "results-host", "data-results": true }, resultsContent(view)),
      ],
      focus: input,
    });
    root.addEventListener("keydown", onResultsKeydown);
    return root;
  }

  // A search answers with SELECT_INSTITUTION again: swap the results only, so the search box
  // keeps its focus, caret and whatever the user typed since.
  function updateResults(view) {
    var host = ui.host.querySelector("[data-results]");
    if (!host) return false;
    host.replaceChildren(resultsContent(view));
    ui.alert.textContent = "";
    applyBusy();
    return true;
  }

  /* ---------------------------------------------------------------- Link customization */

  // The link token's Link customization (gingham.link_customizations.appearance) comes with
  // every pane: a text string it sets replaces Link's own words.
  function customText(view, name) {
    var texts = (view && view.customization && view.customization.text_strings) || {};
    return textOf(texts[name]) || null;
  }

  // Its Background Color: behind Link's window, or the page when Link is a page of its own.
  function applyBackground(view) {
    if (!view || !view.customization) return;
    var color = view.customization.background_color;
    var valid = typeof color === "string" && /^#[0-9A-Fa-f]{6}$/.test(color);
    if (valid) document.body.style.setProperty("--link-background", color);
    else document.body.style.removeProperty("--link-background");
    document.body.classList.toggle("customized-background", valid);
  }

  // Custom financial institutions: before a search, the chosen banks as a grid of their logos.
  function showsFeaturedGrid(view) {
    var custom = view.customization && view.customization.institution_select === "CUSTOM";
    return !!custom && !(view.query || "").trim() && (view.results || []).length > 0;
  }

  function featuredGrid(view) {
    return h(
      "ul",
      { class: "results results-grid", "aria-label": "Institutions", "data-testid": "institution-grid" },
      view.results.map(function (inst) {
        return h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "inst inst-tile",
              "data-testid": "institution-" + inst.institution_id,
              onclick: function () {
                selectInstitution(inst);
              },
            },
            [institutionMark(inst, "lg"), h("span", { class: "inst-name" }, inst.name), healthBadge(inst)]
          )
        );
      })
    );
  }

  var INPUT_TYPES = { text: 1, password: 1, email: 1, tel: 1, number: 1 };

  function fieldInput(field, testid, value) {
    var id = nextId("field");
    var type = INPUT_TYPES[field.type] ? field.type : "text";
    var autocomplete = field.name === "password" ? "current-password" : field.name === "username" ? "username" : "off";
    var input = h("input", {
      id: id,
      name: field.name,
      type: type,
      class: "input",
      autocomplete: autocomplete,
      autocapitalize: "off",
      spellcheck: "false",
      "data-testid": testid,
      value: value || "",
    });
    var control = type === "password" ? passwordControl(input, field.label || capitalize(field.name), testid) : input;
    return { input: input, node: h("div", { class: "field" }, [h("label", { for: id }, field.label || capitalize(field.name)), control]) };
  }

  // A password box with a button that shows what was typed: a toggle (aria-pressed) whose name
  // stays "Show password", as the toggle-button pattern asks.
  function passwordControl(input, label, testid) {
    input.setAttribute("data-secret", "");
    input.classList.add("input-with-button");
    var toggle = h(
      "button",
      {
        type: "button",
        class: "reveal",
        "aria-pressed": "false",
        "aria-label": "Show " + label.toLowerCase(),
        "aria-controls": input.id,
        "data-testid": testid + "-toggle",
        onclick: function () {
          var show = input.type === "password";
          input.type = show ? "text" : "password";
          toggle.setAttribute("aria-pressed", show ? "true" : "false");
        },
      },
      h("span", { class: "icon icon-eye-toggle", "aria-hidden": "true" })
    );
    return h("div", { class: "input-group" }, [input, toggle]);
  }

  function renderCredential(view) {
    var inst = view.institution || {};
    var fields = view.fields && view.fields.length
      ? view.fields
      : [
          { name: "username", label: "Username", type: "text" },
          { name: "password", label: "Password", type: "password" },
        ];
    // After a failed attempt the server shows this pane again: keep what the user typed,
    // except passwords.
    var previous = ui.viewName === "CREDENTIAL" ? ui.host.querySelectorAll("input") : [];
    var kept = {};
    Array.prototype.forEach.call(previous, function (el) {
      if (el.type !== "password" && !el.hasAttribute("data-secret")) kept[el.name] = el.value;
    });
    var inputs = fields.map(function (field) {
      return fieldInput(field, "credential-" + field.name, kept[field.name]);
    });
    var firstEmpty = inputs.filter(function (f) {
      return !f.input.value;
    })[0];
    var notice = textOf(view.notice);
    return pane("CREDENTIAL", {
      institution: view.institution,
      back: backButton("credential-back", function () {
        action("back");
      }),
      title: inst.name ? "Log in at " + inst.name : "Log in to your bank",
      lead: "Enter your " + (inst.name || "bank") + " username and password.",
      alert: view.error ? errorText({ plaid: view.error }) : null,
      body: [
        notice ? h("div", { class: "notice", role: "status", "data-testid": "credential-notice" }, notice) : null,
        inputs.map(function (f) {
          return f.node;
        }),
      ],
      footer: [button("Submit", { submit: true, testid: "credential-submit" })],
      onSubmit: function () {
        var values = {};
        fields.forEach(function (field, i) {
          values[field.name] = inputs[i].input.value;
        });
        action("submit_credentials", values);
      },
      focus: (firstEmpty || inputs[0] || {}).input,
    });
  }

  function optionValue(option) {
    return typeof option === "string" ? option : option.id != null ? option.id : option.text;
  }

  function optionLabel(option) {
    return typeof option === "string" ? option : option.text || option.label || String(option.id);
  }

  function radioGroup(legend, name, options, testidFor, checkedIndex) {
    return h("fieldset", { class: "choices" }, [
      h("legend", { class: legend.visible ? "choices-legend" : "sr-only" }, legend.text),
      options.map(function (option, i) {
        return h("label", { class: "choice" }, [
          h("input", {
            type: "radio",
            name: name,
            value: String(optionValue(option)),
            checked: i === checkedIndex,
            "data-testid": testidFor(option, i),
          }),
          h("span", { class: "choice-text" }, optionLabel(option)),
        ]);
      }),
    ]);
  }

  function checkedValue(form, name) {
    var el = form.querySelector('input[name="' + name + '"]:checked');
    return el ? el.value : "";
  }

  function renderMfa(view) {
    var type = view.mfa_type;
    var step =
      typeof view.rounds === "number" && view.rounds > 1 && view.round
        ? h("p", { class: "step", "data-testid": "mfa-round" }, "Step " + view.round + " of " + view.rounds)
        : null;
    var base = {
      institution: view.institution,
      alert: view.error ? errorText({ plaid: view.error }) : null,
      top: step,
    };

    if (type === "device") {
      var devices = view.devices || [];
      return pane(
        "MFA",
        Object.assign(base, {
          title: "Verify your identity",
          lead: "Where should we send your one-time code?",
          body: radioGroup(
            { text: "Send the code to" },
            "device",
            devices,
            function (d) {
              return "mfa-device-" + d.id;
            },
            0
          ),
          footer: [button("Send code", { submit: true, testid: "mfa-send" })],
          onSubmit: function (form) {
            var id = checkedValue(form, "device");
            if (id) action("choose_device", { device_id: id });
          },
        })
      );
    }

    if (type === "selections") {
      var selections = view.selections || [];
      return pane(
        "MFA",
        Object.assign(base, {
          title: "Answer the security questions",
          lead: "Choose the right answer to each question.",
          body: selections.map(function (q, qi) {
            return radioGroup({ text: q.text, visible: true }, "selection-" + qi, q.options || [], function (o, oi) {
              return "mfa-option-" + qi + "-" + oi;
            });
          }),
          footer: [button("Submit", { submit: true, testid: "mfa-submit" })],
          onSubmit: function (form) {
            action("submit_mfa", {
              answers: selections.map(function (q, qi) {
                return checkedValue(form, "selection-" + qi);
              }),
            });
          },
        })
      );
    }

    // code and questions: one text input per answer.
    var questions =
      type === "questions" ? view.questions || [] : [{ id: "code", text: "Code", code: true }];
    var inputs = questions.map(function (q, i) {
      var f = fieldInput({ name: "answer-" + i, label: q.text, type: "text" }, "mfa-answer-" + i);
      if (q.code) {
        f.input.setAttribute("inputmode", "numeric");
        f.input.setAttribute("autocomplete", "one-time-code");
      }
      return f;
    });
    return pane(
      "MFA",
      Object.assign(base, {
        title: type === "questions" ? "Answer the security question" + (questions.length > 1 ? "s" : "") : "Enter your code",
        lead:
          type === "questions"
            ? "Your bank needs to confirm it's you."
            : "Enter the one-time code " + ((view.institution && view.institution.name) || "your bank") + " sent you.",
        body: inputs.map(function (f) {
          return f.node;
        }),
        footer: [button("Submit", { submit: true, testid: "mfa-submit" })],
        onSubmit: function () {
          action("submit_mfa", {
            answers: inputs.map(function (f) {
              return f.input.value;
            }),
          });
        },
        focus: inputs[0] && inputs[0].input,
      })
    );
  }

  // Subtypes as banks write them: acronyms stay capitals, "401k" keeps its lower-case k.
  var SUBTYPE_NAMES = {
    cd: "CD",
    hsa: "HSA",
    ira: "IRA",
    roth: "Roth IRA",
    "roth 401k": "Roth 401k",
    "401a": "401a",
    "401k": "401k",
    "403b": "403b",
    "457b": "457b",
    "529": "529",
    ebt: "EBT",
    gic: "GIC",
    isa: "ISA",
    lif: "LIF",
    lira: "LIRA",
    lrif: "LRIF",
    lrsp: "LRSP",
    prif: "PRIF",
    rdsp: "RDSP",
    resp: "RESP",
    rlif: "RLIF",
    rrif: "RRIF",
    rrsp: "RRSP",
    sarsep: "SARSEP",
    sep: "SEP IRA",
    "sep ira": "SEP IRA",
    "simple ira": "SIMPLE IRA",
    sipp: "SIPP",
    tfsa: "TFSA",
    ugma: "UGMA",
    utma: "UTMA",
    "non-taxable brokerage account": "Non-taxable brokerage account",
    "money market": "Money market",
    paypal: "PayPal",
    "cash isa": "Cash ISA",
    "fixed annuity": "Fixed annuity",
    "health reimbursement arrangement": "Health reimbursement arrangement",
    keogh: "Keogh",
    "mutual fund": "Mutual fund",
    "stock plan": "Stock plan",
    "thrift savings plan": "Thrift savings plan",
    "credit card": "Credit card",
    "line of credit": "Line of credit",
  };

  function subtypeName(subtype) {
    var key = String(subtype || "").replace(/_/g, " ").toLowerCase();
    return SUBTYPE_NAMES[key] || capitalize(key);
  }

  function accountRow(account, multi, onchange) {
    var meta = [maskText(account.mask), subtypeName(account.subtype || account.type || "")].filter(Boolean).join(" · ");
    return h("label", { class: "account" }, [
      h("input", {
        type: multi ? "checkbox" : "radio",
        name: "account",
        value: account.id,
        "data-testid": "account-" + account.id,
        checked: !!account.selected,
        onchange: onchange,
      }),
      h("span", { class: "account-text" }, [
        h("span", { class: "account-name" }, account.name || "Account"),
        meta ? h("span", { class: "account-meta" }, meta) : null,
      ]),
      h("span", { class: "account-balance" }, formatBalance(account.balance)),
    ]);
  }

  // "Auth and Identity", "Auth, Identity and Transactions".
  function listWords(words) {
    if (words.length < 2) return words.join("");
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  // Accounts the bank shared that the requested products cannot use, as Plaid notes under its
  // list ("Some accounts aren't shown…"); shown only when the server sends them.
  function leftOutNote(view) {
    var leftOut = Array.isArray(view.left_out) ? view.left_out : [];
    if (!leftOut.length) return null;
    // Product names read inside the sentence: "used for transactions", but "used for CRA".
    var products = (view.left_out_products || []).map(textOf).filter(Boolean).map(function (name) {
      return /^.[a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
    });
    var names = leftOut.map(function (account) {
      return [account.name || "Account", maskText(account.mask), account.subtype ? subtypeName(account.subtype) : ""]
        .filter(Boolean)
        .join(" · ");
    });
    return h("div", { class: "left-out", "data-testid": "accounts-left-out" }, [
      h(
        "p",
        null,
        (leftOut.length === 1 ? "1 account isn't shown" : "Some accounts aren't shown") +
          " because " + (leftOut.length === 1 ? "it can't" : "they can't") + " be used for " +
          (products.length ? listWords(products) : "what " + (view.client_name || "the app") + " asked for") + "."
      ),
      // The list can be long (a whole brokerage login): folded away until asked for.
      h("details", null, [
        h("summary", null, leftOut.length === 1 ? "Show the account" : "Show the " + leftOut.length + " accounts"),
        h(
          "ul",
          null,
          names.map(function (name) {
            return h("li", null, name);
          })
        ),
      ]),
    ]);
  }

  function renderSelectAccount(view) {
    var multi = !!view.multi;
    var client = view.client_name || "the app";
    var accounts = view.accounts || [];
    // Update mode ticks the accounts already shared: Continue works without a change.
    var anySelected = accounts.some(function (account) {
      return account.selected;
    });
    // Why Continue is disabled, next to it and in its description for screen readers.
    var hintId = nextId("select-hint");
    var hint = h(
      "p",
      { id: hintId, class: "fine select-hint", "data-testid": "accounts-hint" },
      multi ? "Select at least one account to continue" : "Select an account to continue"
    );
    var submit = button("Continue", { submit: true, testid: "accounts-continue", disabled: !anySelected });
    function showHint(needed) {
      hint.hidden = !needed;
      if (needed) submit.setAttribute("aria-describedby", hintId);
      else submit.removeAttribute("aria-describedby");
    }
    showHint(!anySelected);
    function onchange(event) {
      var none = !event.currentTarget.form.querySelector("input[name=account]:checked");
      submit.disabled = none;
      showHint(none);
    }
    var lead = client + " will only have access to the " + (multi ? "accounts" : "account") + " you select.";
    if (view.update_mode) {
      lead += " Accounts you leave unselected will no longer be shared.";
    }
    return pane("SELECT_ACCOUNT", {
      institution: view.institution,
      title: multi ? "Select accounts" : "Select an account",
      lead: lead,
      alert: view.error ? errorText({ plaid: view.error }) : null,
      body: [
        accounts.length
          ? h("fieldset", { class: "accounts" }, [
              h("legend", { class: "sr-only" }, multi ? "Accounts (choose one or more)" : "Accounts (choose one)"),
              accounts.map(function (account) {
                return accountRow(account, multi, onchange);
              }),
            ])
          : h("p", { class: "empty" }, "No eligible accounts were found."),
        leftOutNote(view),
      ],
      footer: [hint, submit],
      onSubmit: function (form) {
        var ids = Array.prototype.map.call(form.querySelectorAll("input[name=account]:checked"), function (el) {
          return el.value;
        });
        if (ids.length) action("select_accounts", { account_ids: ids });
      },
    });
  }

  function renderConnected(view) {
    var client = view.client_name || "the app";
    var accounts = view.accounts || [];
    return pane("CONNECTED", {
      close: false,
      institution: view.institution,
      top: h("div", { class: "success-mark", "aria-hidden": "true" }),
      title: customText(view, "connected") || "Success",
      lead: "Your account" + (accounts.length > 1 ? "s have" : " has") + " been connected to " + client + ".",
      body: accounts.length
        ? h(
            "ul",
            { class: "connected-list" },
            accounts.map(function (a) {
              return h("li", null, [
                h("span", { class: "account-name" }, a.name || "Account"),
                a.mask ? h("span", { class: "account-meta" }, maskText(a.mask)) : null,
              ]);
            })
          )
        : null,
      footer: [
        button("Continue", {
          testid: "connected-continue",
          onclick: function () {
            action("continue");
          },
        }),
        rememberOffer(view),
      ],
    });
  }

  /*
   * What the ERROR pane says, by error code, in the words Plaid's Link uses for each (its error
   * docs' "sample user-facing error message": a title and a message). The server's
   * display_message, when it sends one, replaces the message; the title stays. `family` decides
   * the pane's mark and buttons: "institution" errors are about the bank, not the user, so the
   * way on is another bank; "item" errors are about the user's login or accounts at it.
   */
  var ERROR_COPY = {
    INSTITUTION_DOWN: {
      family: "institution",
      title: "Please try connecting a different account",
      message: "There was a problem processing your request. Your account could not be connected at this time.",
    },
    INSTITUTION_NOT_RESPONDING: {
      family: "institution",
      title: "Couldn't connect to your institution",
      message:
        "If you need to use this app immediately, we recommend trying another institution. Errors like this are usually resolved quickly, so you may want to try again later.",
    },
    INSTITUTION_NOT_AVAILABLE: {
      family: "institution",
      title: "Couldn't connect to your institution",
      message:
        "If you need to use this app immediately, we recommend trying another institution. Errors like this are usually resolved quickly, so you may want to try again later.",
    },
    INSTITUTION_NOT_SUPPORTED: {
      family: "institution",
      title: "Connectivity not supported",
      message: "{bank} isn't supported by this app. Please choose another institution.",
    },
    INSTITUTION_NO_LONGER_SUPPORTED: {
      family: "institution",
      title: "Institution not supported",
      message: "{bank} is no longer supported. Please choose another institution.",
    },
    PLANNED_MAINTENANCE: {
      family: "institution",
      title: "Couldn't connect to your institution",
      message: "{bank} is undergoing maintenance. Please try again later.",
    },
    ITEM_LOCKED: {
      family: "item",
      mark: "lock",
      title: "Too many attempts",
      message: "Your account is locked for security reasons. Reset your bank username and password, and then try again.",
    },
    INVALID_CREDENTIALS: {
      family: "item",
      title: "The credentials you provided were incorrect",
      message: "Check that your credentials are the same that you use for this institution.",
    },
    INVALID_MFA: {
      family: "item",
      title: "The response you provided was incorrect",
      message: "Check that your response is the same one you use for this institution.",
    },
    INSUFFICIENT_CREDENTIALS: {
      family: "item",
      title: "Couldn't connect your account",
      message: "Your bank needs you to finish signing in. Please try again.",
    },
    USER_SETUP_REQUIRED: {
      family: "item",
      title: "Action required with your account",
      message: "Log in to {bank} and complete the steps it asks for, then try again.",
    },
    MFA_NOT_SUPPORTED: {
      family: "item",
      title: "Your account settings are incompatible",
      message:
        "Your account could not be connected because the multi-factor security features enabled on this account are not currently supported for this financial institution.",
    },
    ITEM_NOT_SUPPORTED: {
      family: "item",
      title: "Account not currently supported",
      message: "Your account is not currently supported. Please log in using a different account or institution.",
    },
    USER_INPUT_TIMEOUT: {
      family: "item",
      title: "Session timed out",
      message: "You took too long to respond to your bank. Please try again.",
    },
    NO_ACCOUNTS: {
      family: "item",
      title: "No compatible accounts",
      message:
        "Your credentials are correct, but we couldn't find any accounts with this institution that are compatible with this application. Try another account, financial institution, or check for another connection method.",
    },
    NO_AUTH_ACCOUNTS: {
      family: "item",
      title: "No eligible accounts",
      message: "We didn't find any checking or savings accounts at this institution. Please try linking another institution.",
    },
    NO_INVESTMENT_ACCOUNTS: {
      family: "item",
      title: "No eligible accounts",
      message: "We didn't find any investment accounts at this institution. Please try linking another institution.",
    },
    NO_LIABILITY_ACCOUNTS: {
      family: "item",
      title: "No eligible accounts",
      message: "We didn't find any credit cards, loans or mortgages at this institution. Please try linking another institution.",
    },
    ACCESS_NOT_GRANTED: {
      family: "item",
      title: "Insufficient sharing permissions",
      message: "To finish connecting, go back to {bank} and share the data {client} needs.",
    },
    ITEM_NO_ERROR: {
      family: "no-error",
      title: "Account already connected",
      message: "Your account is already connected and working. There's nothing to update.",
    },
    INTERNAL_SERVER_ERROR: {
      family: "api",
      title: "Something went wrong",
      message: "There was a problem and we couldn't connect your account. Please try again.",
    },
    INVALID_LINK_TOKEN: {
      family: "session",
      title: "This session has ended",
      message: "For your security, this connection attempt has expired. Close this window and start again from the app.",
    },
  };

  // Codes the table does not list take their family's wording from their error_type.
  var ERROR_TYPE_COPY = {
    INSTITUTION_ERROR: { family: "institution", title: "Couldn't connect to your institution", message: "{bank} isn't available right now. Please try again later or choose another institution." },
    ITEM_ERROR: { family: "item", title: "Couldn't connect your account", message: "There was a problem connecting your account at {bank}. Please try again." },
    OAUTH_ERROR: { family: "item", title: "Couldn't connect your account", message: "The connection to your bank was not completed. Please try again." },
  };

  var DEFAULT_ERROR_COPY = {
    family: "api",
    title: "Something went wrong",
    message: "There was a problem and we couldn't connect your account. Please try again.",
  };

  function errorCopy(err) {
    return ERROR_COPY[err.error_code] || ERROR_TYPE_COPY[err.error_type] || DEFAULT_ERROR_COPY;
  }

  function fillIn(text, view) {
    var bank = (view.institution && view.institution.name) || "your institution";
    var client = view.client_name || "the app";
    return text.replace(/\{bank\}/g, bank).replace(/\{client\}/g, client);
  }

  function errorMark(family, copy, inst) {
    // The bank's own mark with a warning on it: the trouble is at the bank.
    if (family === "institution" && inst) {
      return h("div", { class: "error-bank", "aria-hidden": "true" }, [
        institutionMark(inst, "lg"),
        h("span", { class: "error-badge" }),
      ]);
    }
    if (family === "no-error") return h("div", { class: "info-mark", "aria-hidden": "true" });
    if (copy.mark === "lock") return h("div", { class: "error-mark lock-mark", "aria-hidden": "true" });
    return h("div", { class: "error-mark", "aria-hidden": "true" });
  }

  /*
   * o: {institution, family, mark, title, message, code, retry: {label, onclick} | null, exit}
   * The Try again button (error-retry) sends `retry`; its label says where that leads.
   */
  function errorPane(o) {
    var root = pane("ERROR", {
      institution: o.institution,
      onClose: o.exit,
      top: o.mark || h("div", { class: "error-mark", "aria-hidden": "true" }),
      title: o.title,
      body: [
        h("p", { class: "error-text", "aria-live": "polite", "data-testid": "error-display" }, o.message),
        o.code ? h("p", { class: "fine code", "data-testid": "error-code" }, "Error code: " + o.code) : null,
      ],
      footer: [
        o.retry ? button(o.retry.label, { testid: "error-retry", onclick: o.retry.onclick }) : null,
        button(o.exitLabel || "Exit", { testid: "error-exit", secondary: !!o.retry, onclick: o.exit }),
      ],
    });
    if (o.family) root.setAttribute("data-error-family", o.family);
    return root;
  }

  function renderError(view) {
    var err = view.error || {};
    var inst = view.institution;
    var copy = errorCopy(err);
    var family = copy.family;
    // `retry` goes back to search when the error came from picking the bank (or there is no bank
    // yet), and to the bank's sign-in otherwise (gingham/link/flow.py _retry).
    var retryFindsAnotherBank = ui.errorFrom === "SELECT_INSTITUTION" || !inst;
    // The server refuses `retry` where it cannot succeed (can_retry false: ITEM_LOCKED, say);
    // then Exit is the only way on.
    var retry = null;
    if (view.can_retry && family !== "session" && family !== "no-error") {
      retry = {
        // At a bank that is down or unsupported, the way on is another bank.
        label: family === "institution" && retryFindsAnotherBank ? "Choose another institution" : "Try again",
        onclick: function () {
          action("retry");
        },
      };
    }
    return errorPane({
      institution: inst,
      family: family,
      mark: errorMark(family, copy, inst),
      title: fillIn(copy.title, view),
      message: err.display_message || fillIn(copy.message, view) || err.error_message,
      code: err.error_code,
      retry: retry,
      exitLabel: family === "no-error" ? "Done" : "Exit",
      exit: function () {
        action("exit");
      },
    });
  }

  // No session to act on (the first request never reached the server).
  function renderClientError(message, retry) {
    return errorPane({
      family: "network",
      title: "Couldn't start Link",
      message: message,
      retry: retry ? { label: "Try again", onclick: retry } : null,
      exit: function () {
        exitWithError(null);
      },
    });
  }

  function renderExit(view) {
    var client = view.client_name || "the app";
    return pane("EXIT", {
      close: false,
      institution: view.institution,
      top: h("div", { class: "exit-mark", "aria-hidden": "true" }),
      title: "Are you sure you want to exit?",
      lead: "Your progress won't be saved and your account won't be connected to " + client + ".",
      footer: [
        button("Exit", {
          testid: "exit-confirm",
          onclick: function () {
            action("exit_confirm");
          },
        }),
        button("Go back", {
          testid: "exit-cancel",
          secondary: true,
          onclick: function () {
            action("exit_cancel");
          },
        }),
      ],
    });
  }

  function renderUnknown(view) {
    return pane(view.name || "UNKNOWN", {
      institution: view.institution,
      title: "This step isn't available",
      lead: "This version of Gingham Link can't show the “" + (view.name || "unknown") + "” step. You can exit and try again.",
    });
  }

  function renderDone(outcome) {
    var success = outcome.type === "success";
    var body = null;
    // Opened directly as a page there is no app to tell: show the result instead.
    if (!framed && !config.webview && success && outcome.public_token) {
      body = [
        h("p", { class: "fine" }, "Public token"),
        h("code", { class: "token", "data-testid": "public-token" }, outcome.public_token),
      ];
    }
    var title = success ? "All done" : "Link closed";
    var copy = null;
    if (!framed && outcome.error) {
      copy = errorCopy(outcome.error);
      // An expired or used-up link token: say so, in Plaid's words, rather than just "closed".
      if (copy.family === "session") title = copy.title;
      body = [
        h("p", { class: "error-text", "data-testid": "error-display" }, outcome.error.display_message || (copy.family === "session" ? copy.message : errorText({ plaid: outcome.error }))),
        h("p", { class: "fine code", "data-testid": "error-code" }, "Error code: " + outcome.error.error_code),
      ];
    }
    return h("section", { class: "pane pane-done", "data-view": "DONE", "data-error-family": copy ? copy.family : null }, [
      h("div", { class: "pane-main" }, [
        h("div", { class: "pane-body center" }, [
          h("div", { class: success ? "success-mark" : copy ? "error-mark" : "exit-mark", "aria-hidden": "true" }),
          h("h1", { id: "pane-title", class: "pane-title", tabindex: "-1" }, title),
          framed || copy ? null : h("p", { class: "lead" }, "You can close this window."),
          body,
        ]),
      ]),
    ]);
  }


  /* ---------------------------------------------------------------- OAuth */

  // Plaid's rule: webviews (Android's "; wv)" user agent) use the redirect flow; everything else
  // tries a pop-up, and falls back to redirecting when the pop-up cannot open.
  function isWebview() {
    return /; wv\)/.test(navigator.userAgent) || /(iPhone|iPad).*AppleWebKit(?!.*Safari)/.test(navigator.userAgent);
  }

  var oauthTrip = { popup: null, watcher: null, mode: null, stateId: null };

  function isMobile() {
    return /Android|iPhone|iPad|Mobile/.test(navigator.userAgent);
  }

  function startOAuth(view) {
    // App-to-App banks hand over to their app on phones; the app returns through the redirect
    // URI (a universal link), so it is a redirect flow there too.
    var redirect = config.webview || isWebview() || (view.app2app && isMobile());
    var mode = redirect && view.redirect_available ? "redirect" : "popup";
    if (config.webview && mode === "popup") {
      // A webview has no second window: the bank must send the user back to redirect_uri.
      showAlert("This app can't take you to your bank: its Link setup has no redirect URI.");
      return;
    }
    if (mode === "popup") {
      // Opened now, inside the click, so pop-up blockers let it through; pointed at the bank
      // once the server has made the trip.
      oauthTrip.popup = window.open("about:blank", "gingham-oauth-" + session.id, "width=520,height=720");
      if (!oauthTrip.popup) {
        if (!view.redirect_available) {
          showAlert("Your browser blocked the window for your bank. Allow pop-ups for this page and try again.");
          return;
        }
        mode = "redirect";
      }
    }
    oauthTrip.mode = mode;
    action("open_oauth", { mode: mode });
  }

  function onOAuthView(view) {
    if (!view.oauth_url || view.oauth_state_id === oauthTrip.stateId) return;
    oauthTrip.stateId = view.oauth_state_id;
    if (view.mode === "qr") {
      // Consent happens on another device: ask the server now and then whether it has.
      clearInterval(oauthTrip.watcher);
      oauthTrip.watcher = setInterval(function () {
        if (ui.viewName !== "OAUTH" || session.finished) {
          clearInterval(oauthTrip.watcher);
          return;
        }
        if (!ui.busy) action("oauth_complete");
      }, 1500);
      return;
    }
    if (view.mode === "redirect") {
      // The whole page goes to the bank; the bank sends it back to the app's redirect URI.
      if (config.webview) {
        navigateWebview(view.oauth_url);
        return;
      }
      try {
        window.top.location.href = view.oauth_url;
      } catch (err) {
        window.location.href = view.oauth_url;
      }
      return;
    }
    var popup = oauthTrip.popup;
    if (!popup) {
      oauthTrip.popup = window.open(view.oauth_url, "gingham-oauth-" + session.id, "width=520,height=720");
    } else if (!popup.closed) {
      popup.location.href = view.oauth_url;
    }
    // A window the user already closed is not reopened: the watcher reports it as closed.
    clearInterval(oauthTrip.watcher);
    var openedAt = Date.now();
    oauthTrip.watcher = setInterval(function () {
      if (oauthTrip.popup && !oauthTrip.popup.closed && Date.now() - openedAt > OAUTH_TIMEOUT_MS) {
        // The user never came back from the bank: give up on this trip (FAIL_OAUTH).
        clearInterval(oauthTrip.watcher);
        oauthTrip.popup.close();
        oauthTrip.popup = null;
        oauthTrip.stateId = null;
        action("oauth_closed", { timed_out: true });
        return;
      }
      if (!oauthTrip.popup || oauthTrip.popup.closed) {
        clearInterval(oauthTrip.watcher);
        oauthTrip.popup = null;
        // Give the callback page's message a moment to arrive before calling it a close.
        setTimeout(function () {
          if (ui.viewName === "OAUTH" && oauthTrip.stateId) {
            oauthTrip.stateId = null;
            action("oauth_closed");
          }
        }, 300);
      }
    }, 250);
  }

  function onOAuthMessage(event) {
    if (event.origin !== window.location.origin) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.gingham_oauth !== 1) return;
    if (data.oauth_state_id !== oauthTrip.stateId) return;
    oauthTrip.stateId = null;
    clearInterval(oauthTrip.watcher);
    action("oauth_complete");
  }
  window.addEventListener("message", onOAuthMessage);

  function renderOAuthQr(view, bank) {
    var code = h("div", { class: "qr-code", "data-testid": "oauth-qr-code", "data-oauth-url": view.oauth_url, role: "img", "aria-label": "QR code that opens " + bank });
    // The SVG is drawn by Gingham's server from the bank's URL, not from user input.
    code.innerHTML = view.qr_svg;
    return pane("OAUTH", {
      institution: view.institution,
      title: "Scan with your phone",
      lead: "Open your phone's camera and point it at the code to log in at " + bank + ". This page continues by itself when you're done.",
      body: [code, h("p", { class: "lead" }, [h("a", { href: view.oauth_url, target: "_blank", rel: "opener", "data-testid": "oauth-qr-link" }, "Or continue on this device")])],
    });
  }

  function renderOAuth(view) {
    var bank = (view.institution && view.institution.name) || "your bank";
    var waiting = !!view.oauth_url;
    onOAuthView(view);
    if (view.mode === "qr" && view.oauth_url) return renderOAuthQr(view, bank);
    var permissions = (view.permissions || []).map(textOf).filter(Boolean);
    return pane("OAUTH", {
      institution: view.institution,
      back: waiting || view.update_mode ? null : backButton("oauth-back", function () { action("back"); }),
      body: permissions.length
        ? listCard(
            (view.update_mode ? "To keep " + (view.client_name || "the app") + " working, share" : "Share") +
              " these at " + bank,
            "oauth-permissions",
            permissions
          )
        : null,
      title: waiting ? "Finish at " + bank : "Log in at " + bank,
      lead: waiting
        ? "A window from " + bank + " is open. Log in there and choose what to share; this page continues by itself."
        : "You'll be sent to " + bank + " to log in and choose which accounts and data " +
          (view.client_name || "the app") + " may see. Your credentials are never shared.",
      footer: [
        view.qr_available && !waiting
          ? button("Continue on your phone", {
              testid: "oauth-qr",
              secondary: true,
              onclick: function () {
                action("open_oauth", { mode: "qr" });
              },
            })
          : null,
        button(waiting ? "Reopen " + bank : "Continue to " + bank, {
          testid: "oauth-continue",
          onclick: function () {
            if (waiting && oauthTrip.popup && !oauthTrip.popup.closed) {
              oauthTrip.popup.focus();
              return;
            }
            startOAuth(view);
          },
        }),
      ],
    });
  }

  /* ---------------------------------------------------------------- returning user experience */

  // On the consent pane: find the accounts saved with a phone number. With the link token's
  // number, Continue already leads there; otherwise a button does.
  function returningUserOffer(view, client) {
    var offer = view.returning_user;
    if (!offer) return null;
    if (offer.phone_number) {
      return h("p", { class: "ru-offer-note", "data-testid": "consent-phone-note" }, [
        "After you continue, we'll text a code to ",
        h("strong", { class: "nowrap" }, offer.phone_number),
        " to find the accounts you've saved.",
      ]);
    }
    return h("div", { class: "card ru-offer" }, [
      h("span", { class: "ru-phone-icon", "aria-hidden": "true" }),
      h("div", { class: "ru-offer-text" }, [
        h("h2", { class: "ru-offer-title" }, "Linked an account before?"),
        h("p", null, "Use your phone number to connect saved accounts to " + client + " faster."),
        h(
          "button",
          {
            type: "button",
            class: "link-btn",
            "data-testid": "consent-use-phone",
            onclick: function () {
              action("use_phone");
            },
          },
          "Continue with phone number"
        ),
      ]),
    ]);
  }

  // Phone numbers and codes stay on one line: "415-555-0010" must not break at a hyphen.
  // On CONNECTED, for a guest: save the connection with a phone number for next time.
  function rememberOffer(view) {
    if (!view.remember) return null;
    return linkButton("Save this account for next time", "connected-remember", function () {
      action("remember");
    });
  }

  function sandboxHint(parts) {
    return h(
      "p",
      { class: "fine ru-sandbox-hint" },
      parts.map(function (part, i) {
        return i % 2 ? h("span", { class: "nowrap" }, part) : part;
      })
    );
  }

  function linkButton(label, testid, onclick) {
    return h("button", { type: "button", class: "link-btn", "data-testid": testid, onclick: onclick }, label);
  }

  function renderSubmitPhone(view) {
    var id = nextId("phone");
    var input = h("input", {
      id: id,
      name: "phone",
      type: "tel",
      class: "input",
      inputmode: "tel",
      autocomplete: "tel-national",
      placeholder: "(415) 555-0011",
      "aria-invalid": view.error ? "true" : null,
      "data-testid": "phone-input",
      value: view.phone_number || "",
    });
    return pane("SUBMIT_PHONE", {
      back: backButton("phone-back", function () {
        action("back");
      }),
      top: h("div", { class: "ru-badge", "aria-hidden": "true" }, h("span", { class: "ru-phone-icon" })),
      title: view.remembering ? "Save your account for next time" : "Enter your phone number",
      lead: view.remembering
        ? "Next time you connect an app, find this account with your phone number. We'll text you a code."
        : "Find the accounts you've linked with Gingham before and connect them in a few taps. We'll text you a code.",
      alert: view.error || null,
      body: h("div", { class: "field" }, [h("label", { for: id }, "Mobile number"), input]),
      footer: [
        button("Continue", { submit: true, testid: "phone-continue" }),
        button(view.remembering ? "Not now" : "Continue as guest", {
          secondary: true,
          testid: "phone-skip",
          onclick: function () {
            action("skip_phone");
          },
        }),
        sandboxHint(["Sandbox: ", "415-555-0011", " is a returning user, ", "415-555-0010", " a new one."]),
      ],
      onSubmit: function () {
        action("submit_phone", { phone_number: input.value });
      },
      focus: input,
    });
  }

  function renderVerifyPhone(view) {
    var id = nextId("otp");
    var length = view.code_length || 6;
    var input = h("input", {
      id: id,
      name: "code",
      type: "text",
      class: "input otp-input",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      maxlength: String(length),
      "aria-invalid": view.error ? "true" : null,
      "data-testid": "otp-input",
    });
    var notice = textOf(view.notice);
    return pane("VERIFY_PHONE", {
      back: backButton("otp-back", function () {
        action("back");
      }),
      top: h("div", { class: "ru-badge", "aria-hidden": "true" }, h("span", { class: "ru-phone-icon" })),
      title: "Enter the code",
      lead: "We sent a " + length + "-digit code to " + (view.phone_number || "your phone") + ".",
      alert: view.error || null,
      body: [
        notice ? h("div", { class: "notice ru-notice", role: "status", "data-testid": "otp-notice" }, notice) : null,
        h("div", { class: "field" }, [h("label", { for: id }, "Verification code"), input]),
        h("p", { class: "ru-resend" }, [
          "Didn't get it? ",
          linkButton("Resend code", "otp-resend", function () {
            action("resend_code");
          }),
        ]),
      ],
      footer: [
        button("Continue", { submit: true, testid: "otp-submit" }),
        button(view.remembering ? "Not now" : "Continue as guest", {
          secondary: true,
          testid: "otp-skip",
          onclick: function () {
            action("skip_phone");
          },
        }),
        sandboxHint(["Sandbox code: ", "123456"]),
      ],
      onSubmit: function () {
        action("submit_otp", { code: input.value });
      },
      focus: input,
    });
  }

  function savedInstitutionItem(inst) {
    var masks = (inst.masks || []).map(maskText).join(", ");
    return h(
      "li",
      null,
      h(
        "button",
        {
          type: "button",
          class: "inst",
          "data-testid": "saved-institution-" + inst.institution_id,
          onclick: function () {
            action("select_saved_institution", { institution_id: inst.institution_id });
          },
        },
        [
          institutionMark(inst),
          h("span", { class: "inst-text" }, [
            h("span", { class: "inst-name" }, inst.name),
            masks ? h("span", { class: "inst-url" }, "Saved: " + masks) : null,
          ]),
          healthBadge(inst),
          h("span", { class: "ru-chevron", "aria-hidden": "true" }),
        ]
      )
    );
  }

  function renderSelectSavedInstitution(view) {
    var client = view.client_name || "the app";
    var saved = view.saved || [];
    return pane("SELECT_SAVED_INSTITUTION", {
      title: "Welcome back",
      lead: "Choose a saved institution to connect to " + client + ", or link a new one.",
      body: [
        view.phone_number ? h("p", { class: "ru-verified", "data-testid": "saved-phone" }, "Verified " + view.phone_number) : null,
        h("ul", { class: "results ru-saved", "aria-label": "Saved institutions" }, saved.map(savedInstitutionItem)),
      ],
      footer: [
        button("Link a new account", {
          secondary: true,
          testid: "saved-connect-new",
          onclick: function () {
            action("connect_new");
          },
        }),
      ],
    });
  }

  function renderSelectSavedAccount(view) {
    var multi = !!view.multi;
    var client = view.client_name || "the app";
    var bank = (view.institution && view.institution.name) || "your bank";
    var accounts = view.accounts || [];
    var submit = button("Continue", {
      submit: true,
      testid: "saved-accounts-continue",
      disabled: !accounts.some(function (a) {
        return a.selected;
      }),
    });
    function onchange(event) {
      submit.disabled = !event.currentTarget.form.querySelector("input[name=account]:checked");
    }
    return pane("SELECT_SAVED_ACCOUNT", {
      institution: view.institution,
      back: backButton("saved-accounts-back", function () {
        action("back");
      }),
      title: multi ? "Select accounts" : "Select an account",
      lead: "Your saved accounts at " + bank + " are selected. " + client + " will only have access to the " +
        (multi ? "accounts" : "account") + " you select.",
      alert: view.error ? errorText({ plaid: view.error }) : null,
      body: h("fieldset", { class: "accounts" }, [
        h("legend", { class: "sr-only" }, multi ? "Accounts (choose one or more)" : "Accounts (choose one)"),
        accounts.map(function (account) {
          return accountRow(account, multi, onchange);
        }),
      ]),
      footer: [
        submit,
        linkButton("Link a different account", "saved-accounts-connect-new", function () {
          action("connect_new");
        }),
      ],
      onSubmit: function (form) {
        var ids = Array.prototype.map.call(form.querySelectorAll("input[name=account]:checked"), function (el) {
          return el.value;
        });
        if (ids.length) action("select_saved_accounts", { account_ids: ids });
      },
    });
  }

  var RENDERERS = {
    CONSENT: renderConsent,
    DATA_TRANSPARENCY_CONSENT: renderDataTransparencyConsent,
    SELECT_INSTITUTION: renderSelectInstitution,
    CREDENTIAL: renderCredential,
    MFA: renderMfa,
    SELECT_ACCOUNT: renderSelectAccount,
    CONNECTED: renderConnected,
    OAUTH: renderOAuth,
    ERROR: renderError,
    EXIT: renderExit,
    LOADING: renderLoading,
    SUBMIT_PHONE: renderSubmitPhone,
    VERIFY_PHONE: renderVerifyPhone,
    SELECT_SAVED_INSTITUTION: renderSelectSavedInstitution,
    SELECT_SAVED_ACCOUNT: renderSelectSavedAccount,
  };

  /* ---------------------------------------------------------------- mounting, focus, busy */

  function render(view) {
    applyBackground(view);
    if (view.name === "SELECT_INSTITUTION" && ui.viewName === "SELECT_INSTITUTION" && updateResults(view)) return;
    // The pane an error interrupted (the exit confirmation can come back to the error pane).
    if (view.name === "ERROR" && ui.viewName !== "ERROR" && ui.viewName !== "EXIT") ui.errorFrom = ui.viewName;
    mount((RENDERERS[view.name] || renderUnknown)(view), view.name);
  }

  function mount(node, name) {
    ui.host.replaceChildren(node);
    ui.viewName = name;
    ui.alert = node.querySelector("[data-alert]");
    ui.focusBeforeBusy = null;
    if (ui.alert && ui.alert.textContent) announce(ui.alert.textContent);
    applyBusy();
    if (name === "SELECT_INSTITUTION") setSearching(0);
    // Disabled controls can't take focus: wait for the request to finish.
    if (ui.busy) ui.focusPending = true;
    else focusPane();
  }

  function focusPane() {
    if (framed && !session.opened) return; // the frame is still hidden
    // Embedded Link sits in the app's page: don't pull focus away from it uninvited.
    if (config.embedded && !document.hasFocus()) return;
    var root = ui.host.firstElementChild;
    if (!root) return;
    var target = root._focus || root.querySelector("#pane-title");
    if (target) target.focus({ preventScroll: true });
  }

  // The pane's own error region is re-created with each render, which screen readers may not
  // announce; this region lives as long as the page.
  function announce(text) {
    ui.announcer.textContent = "";
    setTimeout(function () {
      ui.announcer.textContent = text;
    }, 50);
  }

  function showAlert(text) {
    if (ui.alert) ui.alert.textContent = text;
    announce(text);
  }

  function setBusy(on) {
    if (ui.busy === on) return;
    ui.busy = on;
    if (on) ui.focusBeforeBusy = document.activeElement;
    applyBusy();
    if (on) return;
    var previous = ui.focusBeforeBusy;
    ui.focusBeforeBusy = null;
    if (ui.focusPending) {
      ui.focusPending = false;
      focusPane();
      return;
    }
    var lost = !document.activeElement || document.activeElement === document.body;
    if (lost && previous && ui.host.contains(previous)) previous.focus({ preventScroll: true });
  }

  // Disables the pane's controls while a request runs and re-enables only those it disabled.
  function applyBusy() {
    if (!ui.modal) return;
    ui.modal.setAttribute("aria-busy", ui.busy ? "true" : "false");
    // The loading pane is its own spinner.
    ui.busyEl.hidden = !ui.busy || ui.viewName === "LOADING";
    var controls = ui.host.querySelectorAll("button, input, select, textarea");
    Array.prototype.forEach.call(controls, function (el) {
      if (ui.busy && !el.disabled) {
        el.disabled = true;
        el.setAttribute("data-busy-disabled", "");
      } else if (!ui.busy && el.hasAttribute("data-busy-disabled")) {
        el.disabled = false;
        el.removeAttribute("data-busy-disabled");
      }
    });
  }

  /* ---------------------------------------------------------------- keyboard */

  function onKeydown(event) {
    if (event.key === "Escape" && !ui.busy) {
      if (event.target.type === "search" && event.target.value) return; // Escape clears the box
      if (ui.viewName === "EXIT") action("exit_cancel");
      else {
        var close = ui.host.querySelector("[data-testid=close]");
        if (close) close.click();
      }
      return;
    }
    if (event.key === "Tab" && !config.embedded) trapFocus(event);
  }

  // Keep Tab inside the modal: past its last control focus would land on the page underneath.
  function trapFocus(event) {
    var focusable = Array.prototype.filter.call(
      ui.modal.querySelectorAll("button, input, select, textarea, a[href], summary, [tabindex]:not([tabindex='-1'])"),
      function (el) {
        return !el.disabled && el.offsetParent !== null;
      }
    );
    if (!focusable.length) return;
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    var active = document.activeElement;
    if (event.shiftKey && (active === first || !ui.modal.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ui.modal.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  /* ---------------------------------------------------------------- start */

  function init() {
    ui.host = document.getElementById("pane-host");
    ui.modal = document.getElementById("modal");
    ui.busyEl = document.getElementById("busy");
    ui.announcer = document.getElementById("announcer");
    document.body.classList.toggle("embedded", config.embedded);
    document.body.classList.toggle("standalone", !framed);

    mount(renderLoading(), "LOADING");
    document.addEventListener("keydown", onKeydown);

    if (config.preview) {
      // A picture of Link, not Link: nothing in it can be used or focused.
      ui.modal.inert = true;
      window.addEventListener("message", onPreviewMessage);
    } else if (framed) {
      window.addEventListener("message", onParentMessage);
      postToParent({ type: "loaded" });
    } else {
      open();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
