/*
 * Gingham's link-initialize.js: defines window.Plaid with Plaid's handler contract
 * (create / createEmbedded → open, exit, destroy, submit) and drives the Link frame
 * through the postMessage protocol of docs/LINK_PROTOCOL.md.
 */
(function () {
  "use strict";

  // Replaced by the server with its own origin when it serves this file. The script never
  // derives the origin from its own src, so it also works when served under Plaid's CDN URL.
  var GINGHAM_ORIGIN = "__GINGHAM_ORIGIN__";
  GINGHAM_ORIGIN = GINGHAM_ORIGIN.replace(/\/+$/, ""); // event.origin never ends in "/"
  var FRAME_PATH = "/link/v2/stable/link.html";

  if (window.Plaid && window.Plaid.__gingham) {
    console.warn(
      "The Plaid link-initialize.js script was embedded more than once. " +
        "This is an unsupported configuration and may lead to unpredictable behavior."
    );
    return;
  }

  var frameCount = 0;

  var MODAL_STYLE = [
    "position:fixed",
    "top:0",
    "left:0",
    "width:100%",
    "height:100%",
    "z-index:2147483647",
    "border:0",
    "margin:0",
    "padding:0",
    "background:transparent",
    // A colour-scheme mismatch between the page and the frame makes Chrome paint the frame
    // opaque, which would hide the page behind Link's dimmed backdrop.
    "color-scheme:normal",
    "display:none",
  ].join(";");

  var EMBEDDED_STYLE = [
    "display:block",
    "width:100%",
    "height:100%",
    "border:0",
    "margin:0",
    "padding:0",
    "background:transparent",
    "color-scheme:normal",
  ].join(";");

  // The options of a public-key integration (Plaid's legacy Plaid.create). They only count
  // with a public key (`key`) and no link token: beside a link token Plaid ignores them, as
  // /link/token/create holds that configuration.
  var LEGACY_OPTIONS = [
    "clientName",
    "env",
    "product",
    "countryCodes",
    "language",
    "webhook",
    "accountSubtypes",
    "selectAccount",
    "token",
    "userLegalName",
    "userEmailAddress",
    "oauthNonce",
    "oauthRedirectUri",
    "paymentToken",
    "linkCustomizationName",
  ];

  function isLinkToken(token) {
    return typeof token === "string" && token.indexOf("link-") === 0;
  }

  function legacyOptions(config) {
    if (config.key == null || config.key === "" || isLinkToken(config.token)) return null;
    var options = {};
    LEGACY_OPTIONS.forEach(function (name) {
      if (config[name] !== undefined) options[name] = config[name];
    });
    return options;
  }

  function frameUrl(config, n, embedded) {
    var legacy = legacyOptions(config);
    var params = [
      // With a public key, `token` is a legacy option (a public token for update mode).
      ["token", legacy || config.token == null ? "" : String(config.token)],
      ["parent_origin", window.location.origin],
      ["handler", String(n)],
    ];
    if (legacy) params.push(["key", String(config.key)]);
    if (config.receivedRedirectUri) {
      params.push(["received_redirect_uri", String(config.receivedRedirectUri)]);
    }
    if (embedded) params.push(["embedded", "1"]);
    var query = params
      .map(function (p) {
        return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
      })
      .join("&");
    // The legacy options travel in the fragment, which never reaches a server log: they may
    // hold the user's name and email address. The server checks them when Link opens.
    var fragment = "";
    if (legacy) {
      try {
        fragment = "#legacy=" + encodeURIComponent(JSON.stringify(legacy));
      } catch (err) {
        console.error("Plaid Link: the configuration could not be read", err);
      }
    }
    return GINGHAM_ORIGIN + FRAME_PATH + "?" + query + fragment;
  }

  // User callbacks run isolated: an exception in the app's code must not leave the handler
  // half-way through a state change.
  function invoke(fn, name, args) {
    if (typeof fn !== "function") return;
    try {
      fn.apply(undefined, args);
    } catch (err) {
      console.error("Plaid Link: the " + name + " callback threw an exception", err);
    }
  }

  function emptyExitMetadata() {
    return { institution: null, status: null, link_session_id: null, request_id: null };
  }

  function createHandler(config, container) {
    config = config || {};
    var embedded = !!container;
    var n = ++frameCount;

    // pending: open() was called before the frame said `loaded`.
    var state = { loaded: false, pending: false, open: false, finished: false, destroyed: false };
    var onLoadCalled = false;
    var returnFocusTo = null;

    if (typeof config.onSuccess !== "function") {
      console.warn("Plaid Link: the onSuccess callback is required");
    }

    var iframe = document.createElement("iframe");
    iframe.id = "plaid-link-iframe-" + n;
    iframe.title = "Plaid Link";
    iframe.setAttribute("style", embedded ? EMBEDDED_STYLE : MODAL_STYLE);
    iframe.src = frameUrl(config, n, embedded);
    (container || document.body || document.documentElement).appendChild(iframe);

    function post(message) {
      if (state.destroyed || !iframe.contentWindow) return;
      message.gingham_link = 1;
      iframe.contentWindow.postMessage(message, GINGHAM_ORIGIN);
    }

    function show() {
      if (embedded) return;
      returnFocusTo = document.activeElement;
      iframe.style.display = "block";
      iframe.focus();
    }

    function hide() {
      if (embedded) {
        iframe.style.visibility = "hidden";
        return;
      }
      iframe.style.display = "none";
      if (returnFocusTo && typeof returnFocusTo.focus === "function") {
        try {
          returnFocusTo.focus();
        } catch (err) {
          /* the element may have left the page */
        }
      }
      returnFocusTo = null;
    }

    function startOpen() {
      state.pending = false;
      state.open = true;
      show();
      post({ type: "open" });
    }

    function finish() {
      state.finished = true;
      state.open = false;
      state.pending = false;
      hide();
    }

    function onMessage(event) {
      if (state.destroyed || state.finished) return;
      if (event.origin !== GINGHAM_ORIGIN) return;
      if (!iframe.contentWindow || event.source !== iframe.contentWindow) return;
      var data = event.data;
      if (!data || typeof data !== "object" || data.gingham_link !== 1) return;

      switch (data.type) {
        case "loaded":
          state.loaded = true;
          if (!onLoadCalled) {
            onLoadCalled = true;
            invoke(config.onLoad, "onLoad", []);
          }
          // Embedded Link has no open(): it runs as soon as the frame is ready.
          if ((state.pending || embedded) && !state.open && !state.destroyed) startOpen();
          break;
        case "event":
          invoke(config.onEvent, "onEvent", [data.event_name, data.metadata || {}]);
          break;
        case "success":
          finish();
          invoke(config.onSuccess, "onSuccess", [data.public_token, data.metadata || {}]);
          break;
        case "exit":
          finish();
          invoke(config.onExit, "onExit", [data.error || null, data.metadata || emptyExitMetadata()]);
          break;
        default:
          break;
      }
    }

    window.addEventListener("message", onMessage);

    function open() {
      if (state.destroyed) return;
      if (state.finished) {
        console.warn("Link warning: this Link handler has already finished; create a new handler to open Link again");
        return;
      }
      if (state.open) return;
      if (!state.loaded) {
        state.pending = true;
        return;
      }
      startOpen();
    }

    function exit(opts) {
      if (state.destroyed) return;
      if (state.pending) {
        // open() was called but the frame has not shown anything yet: there is no session to
        // confirm leaving, so end at once. Callers (react-plaid-link) wait for onExit to clean up.
        finish();
        invoke(config.onExit, "onExit", [null, emptyExitMetadata()]);
        return;
      }
      if (!state.open) {
        console.warn("Link warning: attempted to exit Link when it was not open");
        return;
      }
      var force = !!(opts && opts.force);
      post({ type: "exit", force: force });
      if (force) hide();
    }

    function destroy() {
      if (state.destroyed) return;
      state.destroyed = true;
      state.open = false;
      state.pending = false;
      window.removeEventListener("message", onMessage);
      if (iframe.parentNode) iframe.parentNode.removeChild(iframe);
    }

    function submit() {
      // Layer is not supported by Gingham; the method exists because Plaid's handler has it.
    }

    return { open: open, exit: exit, destroy: destroy, submit: submit };
  }

  // Plain functions closing over nothing but module state, so detached calls work
  // (`const { create } = window.Plaid`).
  function create(config) {
    return createHandler(config, null);
  }

  function createEmbedded(config, element) {
    if (!element || typeof element.appendChild !== "function") {
      throw new TypeError("Plaid.createEmbedded requires a container element");
    }
    return createHandler(config, element);
  }

  window.Plaid = { create: create, createEmbedded: createEmbedded, __gingham: true };
})();
