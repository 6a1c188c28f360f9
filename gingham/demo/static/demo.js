// The demo app's front end: what an app's own page does with Plaid Link.
(function () {
  "use strict";

  var D = window.Demo;
  var P = window.DemoPanels;
  var el = D.el;
  var post = D.post;

  var form = document.getElementById("demo-form");
  var button = document.getElementById("link-button");
  var statusBox = document.getElementById("status");
  var dashboard = document.getElementById("dashboard");
  var events = document.getElementById("events");
  var handler = null;
  // The Item on show; polling for an Item the user has since replaced stops.
  var session = { alive: false };

  function log(kind, name, detail) {
    var time = new Date().toISOString().slice(11, 23);
    var item = el("li", { class: "event event-" + kind }, [
      el("span", { class: "time" }, [time]),
      el("strong", {}, [name]),
      detail ? el("code", {}, [detail]) : "",
    ]);
    events.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function say(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status" + (kind ? " status-" + kind : "");
  }

  function eventDetail(metadata) {
    var keys = ["view_name", "institution_name", "mfa_type", "error_code", "exit_status", "institution_search_query"];
    return keys
      .filter(function (key) { return metadata[key]; })
      .map(function (key) { return key + "=" + metadata[key]; })
      .join(" ");
  }

  function panel(name) {
    return document.getElementById("panel-" + name);
  }

  // Each section asks for its product once; the ones the Item lacks show Plaid's error.
  function load(name, what, ask, draw) {
    var target = panel(name);
    P.fill(target, [D.loading("Loading " + what + "…")]);
    return ask().then(function (data) {
      if (session.alive) draw(target, data);
    }, function (error) {
      if (session.alive) P.fill(target, [D.errorBox(error, what)]);
    });
  }

  function showDashboard(data) {
    session.alive = false;
    session = { alive: true };
    var institution = data.item.institution_name || "an institution";
    document.getElementById("dashboard-title").textContent = institution;
    document.getElementById("item-line").replaceChildren(
      "item_id ", el("code", {}, [data.item.item_id]), " · " + data.accounts.length + (data.accounts.length === 1 ? " account" : " accounts")
    );
    P.summary(document.getElementById("summary"), data.accounts);
    P.accounts(panel("accounts"), data);
    P.signalAccounts(data.accounts);
    dashboard.hidden = false;
    selectTab(document.getElementById("tab-accounts"), false);
    // The sandbox hints have done their job; the Item's data is what the user came for.
    document.querySelector("details.hints").open = false;
    dashboard.scrollIntoView({ block: "start" });

    load("auth", "account numbers", function () { return D.plaid("/auth/get"); }, P.auth);
    P.transactions(panel("transactions"), session);
    load("identity", "identity", function () { return D.plaid("/identity/get"); }, P.identity);
    var investments = panel("investments");
    var holdings = el("div", { "data-testid": "investments-holdings" });
    var trades = el("div", { "data-testid": "investments-transactions" });
    P.fill(investments, [holdings, trades]);
    P.fill(holdings, [D.loading("Loading holdings…")]);
    D.plaid("/investments/holdings/get").then(function (result) {
      if (!session.alive) return;
      P.holdings(holdings, result);
      P.fill(trades, [D.loading("Loading investment transactions…")]);
      return D.plaid("/investments/transactions/get").then(function (result) {
        if (session.alive) P.investmentTransactions(trades, result);
      }, function (error) {
        if (session.alive) P.fill(trades, [el("h3", {}, ["Recent investment transactions"]), D.errorBox(error, "investment transactions")]);
      });
    }, function (error) {
      if (session.alive) P.fill(holdings, [D.errorBox(error, "holdings")]);
    });
    load("liabilities", "liabilities", function () { return D.plaid("/liabilities/get"); }, P.liabilities);
    window.DemoReports.assets(panel("assets"), session);
    load("statements", "statements", function () { return D.plaid("/statements/list"); }, window.DemoReports.statements);
  }

  // --- Tabs (WAI-ARIA tabs: arrow keys move between them, the panel follows) -----------------

  var tabs = Array.prototype.slice.call(document.querySelectorAll('#tabs [role="tab"]'));

  function selectTab(tab, focus) {
    tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
    if (focus) tab.focus();
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { selectTab(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], true);
    });
  });

  function onSuccess(publicToken, metadata) {
    log("success", "onSuccess", metadata.accounts.length + " account(s) at " + metadata.institution.name);
    say("Exchanging the public token…");
    post("/_gingham/demo/exchange", { public_token: publicToken })
      .then(function (data) {
        say("Linked. Your backend keeps the access token; the sections below are what it reads with it.", "ok");
        showDashboard(data);
      })
      .catch(function (error) {
        say("The exchange failed: " + (error.error_message || error), "error");
      })
      .finally(finish);
  }

  function onExit(error, metadata) {
    log("exit", "onExit", "status=" + metadata.status + (error ? " error=" + error.error_code : ""));
    say(error ? "Link exited with " + error.error_code + ": " + (error.display_message || error.error_message) : "Link closed without linking.", error ? "error" : "");
    finish();
  }

  function finish() {
    if (handler) handler.destroy();
    handler = null;
    button.disabled = false;
  }

  function openLink(token, receivedRedirectUri) {
    var config = {
      token: token,
      onSuccess: onSuccess,
      onExit: onExit,
      onEvent: function (name, metadata) { log("event", name, eventDetail(metadata)); },
      onLoad: function () { say("Link is open."); },
    };
    if (receivedRedirectUri) config.receivedRedirectUri = receivedRedirectUri;
    handler = window.Plaid.create(config);
    handler.open();
  }

  // Back from an OAuth bank in the redirect flow (webviews): finish in Link with the same token.
  if (new URLSearchParams(window.location.search).has("oauth_state_id")) {
    var saved = sessionStorage.getItem("gingham_demo_link_token");
    if (saved) {
      button.disabled = true;
      log("info", "redirect", "back from the bank; re-initialising Link with receivedRedirectUri");
      openLink(saved, window.location.href);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var products = Array.prototype.slice.call(form.querySelectorAll('input[name="products"]:checked')).map(function (box) {
      return box.value;
    });
    if (!products.length) {
      say("Choose at least one product.", "error");
      return;
    }
    button.disabled = true;
    session.alive = false;
    dashboard.hidden = true;
    say("Creating a link token…");
    post("/_gingham/demo/link_token", { products: products })
      .then(function (data) {
        log("info", "link token", data.link_token);
        sessionStorage.setItem("gingham_demo_link_token", data.link_token);
        openLink(data.link_token);
      })
      .catch(function (error) {
        say("Could not create a link token: " + (error.error_message || error), "error");
        button.disabled = false;
      });
  });
})();
